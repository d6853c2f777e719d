"""The KPI register of an organisation: which KPIs it steers on, a target per KPI, and measured values per
period, entered by hand or imported from a file; and KPI figures of similar organisations.

Functions take a `Database`, the acting person (`access.Actor`) and plain values, and return dataclasses;
every one checks the actor's role in its own transaction (`access.require`) and logs what it changes:

    read     get_register, linked_actions, compare_with_peers
    answer   set_target, save_value, delete_value, preview_import, import_values
    manage   add_library_kpis, add_own_kpi, remove_kpi   (which KPIs the organisation steers on)

Wrong input raises `InputError` (code `kpi_…`, the field, and parameters that name the KPI and the period; the
KPI's name is a `LocalizedText` for a library KPI, so the page says it in the user's language). A file with
any problem raises `FileImportError` with every problem by row and column, and stores nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from pydantic import ValidationError
from sqlalchemy import select

from access.service import ANSWER, MANAGE, READ, Actor, log, organisation_of, require
from storage.db import Database
from storage.models import (AssessmentRow, KpiEntryRow, KpiValueRow, OrganisationRow, PlanActionRow, utcnow)
from rules.input import InputError, clean_text
from exports.problems import FileImportError, FileProblem
from questionnaires.model import ID_PATTERN, LocalizedText
from scoring.peers import DEFAULT_MIN_GROUP, PeerFigure, peer_figures

from indicators.figures import (KpiValueError, Measurement, Period, check_measurement, check_target,
                                counted_fields, overlap, yearly)
from indicators.model import DIRECTIONS, UNITS, KpiDefinition, KpiLibrary, own_definition

MAX_NAME = 200
MAX_DEFINITION = 2000
MAX_RATIO_TEXT = 300
MAX_SOURCE = 300
MAX_ID = 60


@dataclass(frozen=True)
class RegisterKpi:
    id: int  # the register entry
    code: str  # the library id, or the own KPI's id: what a file names it by
    from_library: bool
    definition: KpiDefinition | None  # None: a library KPI that the library no longer has
    target: float | None  # in the KPI's unit (a percentage as 0-100)

    def name(self, lang: str) -> str:
        return self.definition.name.get(lang) if self.definition else self.code


@dataclass(frozen=True)
class KpiValue:
    entry_id: int
    period: Period
    value: float | None
    numerator: float | None
    denominator: float | None
    entered_by: str
    source: str  # app or file
    updated_at: datetime

    @property
    def measurement(self) -> Measurement:
        return Measurement(self.period, self.value, self.numerator, self.denominator)


@dataclass(frozen=True)
class Register:
    organisation_id: int
    kpis: list[RegisterKpi]  # people-centred first, then by competency and library order
    values: dict[int, list[KpiValue]]  # by register entry, oldest period first

    def measurements(self, entry_id: int) -> list[Measurement]:
        return [v.measurement for v in self.values.get(entry_id, [])]

    def entry(self, entry_id: int) -> RegisterKpi | None:
        return next((k for k in self.kpis if k.id == entry_id), None)

    def usable(self) -> list[RegisterKpi]:
        return [k for k in self.kpis if k.definition is not None]


@dataclass(frozen=True)
class LinkedAction:
    """A plan action that names a register KPI: its effect is followed in that KPI's figures."""

    action_id: int
    assessment_id: str
    assessment_period: str
    entry_id: int
    title: str
    start_date: date | None
    due_date: date | None
    status: str


# --- reading ------------------------------------------------------------------------------------------

def _definition(row: KpiEntryRow, library: KpiLibrary) -> KpiDefinition | None:
    if row.from_library:
        return library.kpi(row.code)
    return own_definition(id=row.code, name=row.name, definition=row.definition, unit=row.unit,
                          direction=row.direction, competency=row.competency, people_centred=row.people_centred,
                          numerator=row.numerator, denominator=row.denominator, source=row.source)


def _order(library: KpiLibrary):
    competencies = library.competency_ids
    positions = {k.id: i for i, k in enumerate(library.kpis)}

    def key(kpi: RegisterKpi):
        definition = kpi.definition
        if definition is None:
            return (2, len(competencies), len(positions), kpi.code)
        competency = competencies.index(definition.competency) if definition.competency in competencies \
            else len(competencies)
        return (0 if definition.people_centred else 1, competency, positions.get(kpi.code, len(positions)),
                definition.name.nl.casefold())
    return key


def _value(row: KpiValueRow) -> KpiValue:
    return KpiValue(row.entry_id, Period(row.first_month, row.months, row.period), row.value, row.numerator,
                    row.denominator, row.entered_by, row.source, row.updated_at)


def get_register(db: Database, *, actor: Actor, organisation_id: int, library: KpiLibrary) -> Register:
    """The organisation's register KPIs (people-centred first) with every measured value."""
    with db.read() as session:
        require(session, actor, organisation_id, READ)
        rows = session.scalars(select(KpiEntryRow).where(KpiEntryRow.organisation_id == organisation_id)).all()
        kpis = sorted((RegisterKpi(r.id, r.code, r.from_library, _definition(r, library), r.target) for r in rows),
                      key=_order(library))
        values: dict[int, list[KpiValue]] = {k.id: [] for k in kpis}
        if kpis:
            for row in session.scalars(select(KpiValueRow).where(KpiValueRow.entry_id.in_(list(values)))
                                       .order_by(KpiValueRow.first_month, KpiValueRow.months.desc())):
                values[row.entry_id].append(_value(row))
        return Register(organisation_id, kpis, values)


def linked_actions(db: Database, *, actor: Actor, organisation_id: int) -> list[LinkedAction]:
    """Every plan action of the organisation's assessments that names a register KPI."""
    with db.read() as session:
        require(session, actor, organisation_id, READ)
        rows = session.execute(
            select(PlanActionRow, AssessmentRow.period)
            .join(AssessmentRow, AssessmentRow.id == PlanActionRow.assessment_id)
            .where(AssessmentRow.organisation_id == organisation_id, PlanActionRow.kpi_entry_id.is_not(None))
            .order_by(PlanActionRow.start_date, PlanActionRow.id)).all()
        return [LinkedAction(a.id, a.assessment_id, period, a.kpi_entry_id, a.title, a.start_date, a.due_date,
                             a.status) for a, period in rows]


# --- the register -------------------------------------------------------------------------------------

def _checked_entry(session, actor: Actor, entry_id: int, permission: str) -> tuple[int, KpiEntryRow]:
    organisation_id = organisation_of(session, kpi_entry_id=entry_id)
    require(session, actor, organisation_id, permission)
    return organisation_id, session.get(KpiEntryRow, entry_id)


def add_library_kpis(db: Database, *, actor: Actor, organisation_id: int, library: KpiLibrary,
                     kpi_ids: list[str]) -> list[int]:
    """Put library KPIs in the register (all or none); returns their register ids."""
    wanted = list(dict.fromkeys(kpi_ids))
    with db.write() as session:
        require(session, actor, organisation_id, MANAGE)
        for kpi_id in wanted:
            kpi = library.kpi(kpi_id)
            if kpi is None:
                raise InputError("kpi_unknown", "kpi", value=str(kpi_id)[:60])
            if kpi.retired:  # its stored values stay readable, but it is no longer chosen
                raise InputError("kpi_retired", "kpi", kpi=kpi.name, replacements=LocalizedText(
                    **{lang: ", ".join(library.kpi(r).name.get(lang) for r in kpi.replaced_by) or "–"
                       for lang in ("nl", "en")}))
        present = set(session.scalars(select(KpiEntryRow.code).where(KpiEntryRow.organisation_id == organisation_id)))
        for kpi_id in wanted:
            if kpi_id in present:
                raise InputError("kpi_in_register", "kpi", kpi=library.kpi(kpi_id).name)
        rows = [KpiEntryRow(organisation_id=organisation_id, code=kpi_id, from_library=True) for kpi_id in wanted]
        session.add_all(rows)
        session.flush()
        for row in rows:
            log(session, actor, "kpi_added", organisation_id, kpi=row.code)
        return [row.id for row in rows]


def own_id_for(name: str) -> str:
    """An id for an own KPI made from its name: 'Klachten per wijk' -> 'eigen-klachten-per-wijk'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:MAX_ID - 6].strip("-")
    return f"eigen-{slug or 'kpi'}"


def add_own_kpi(db: Database, *, actor: Actor, organisation_id: int, library: KpiLibrary, name: str,
                definition: str, unit: str, direction: str, competency: str, people_centred: bool,
                numerator: str = "", denominator: str = "", source: str = "", id: str = "") -> RegisterKpi:
    """Add an organisation's own KPI, with the same fields as a library KPI. Without an id, one is made from the
    name. A figure per 1,000 needs a numerator and a denominator; a count has none."""
    name = clean_text(name, "kpi_name", MAX_NAME, required=True)
    text = clean_text(definition, "kpi_definition", MAX_DEFINITION, required=True)
    numerator = clean_text(numerator, "kpi_numerator_text", MAX_RATIO_TEXT)
    denominator = clean_text(denominator, "kpi_denominator_text", MAX_RATIO_TEXT)
    source = clean_text(source, "kpi_source", MAX_SOURCE)
    code = (id or "").strip().lower() or own_id_for(name)
    if len(code) > MAX_ID or not re.match(ID_PATTERN, code):
        raise InputError("kpi_invalid_id", "kpi_id", value=code[:80])
    if unit not in UNITS:
        raise InputError("unknown_choice", "kpi_unit", value=str(unit))
    if direction not in DIRECTIONS:
        raise InputError("unknown_choice", "kpi_direction", value=str(direction))
    if competency not in library.competency_ids:
        raise InputError("unknown_choice", "kpi_competency", value=str(competency))
    if bool(numerator) != bool(denominator):
        raise InputError("kpi_half_ratio", "kpi_denominator_text" if numerator else "kpi_numerator_text")
    if unit == "per_1000" and not numerator:
        raise InputError("kpi_ratio_needed", "kpi_numerator_text")
    if unit == "count" and numerator:
        raise InputError("kpi_count_ratio", "kpi_numerator_text")
    try:
        kpi = own_definition(id=code, name=name, definition=text, unit=unit, direction=direction,
                             competency=competency, people_centred=bool(people_centred), numerator=numerator,
                             denominator=denominator, source=source)
    except ValidationError:  # everything is checked above; this is a last guard
        raise InputError("kpi_invalid_id", "kpi_id", value=code)
    if library.kpi(code) is not None:
        raise InputError("kpi_id_taken", "kpi_id", value=code)
    with db.write() as session:
        require(session, actor, organisation_id, MANAGE)
        taken = session.scalar(select(KpiEntryRow.id).where(KpiEntryRow.organisation_id == organisation_id,
                                                            KpiEntryRow.code == code))
        if taken is not None:
            raise InputError("kpi_id_taken", "kpi_id", value=code)
        row = KpiEntryRow(organisation_id=organisation_id, code=code, from_library=False, name=name, definition=text,
                          unit=unit, numerator=numerator, denominator=denominator, direction=direction,
                          competency=competency, people_centred=bool(people_centred), source=source)
        session.add(row)
        session.flush()
        log(session, actor, "kpi_added", organisation_id, kpi=code, own=True)
        return RegisterKpi(row.id, code, False, kpi, None)


def remove_kpi(db: Database, *, actor: Actor, entry_id: int) -> None:
    """Take a KPI out of the register, with its measured values; plan actions keep their text, without the link."""
    with db.write() as session:
        organisation_id, row = _checked_entry(session, actor, entry_id, MANAGE)
        values = len(session.scalars(select(KpiValueRow.id).where(KpiValueRow.entry_id == entry_id)).all())
        for action in session.scalars(select(PlanActionRow).where(PlanActionRow.kpi_entry_id == entry_id)):
            action.kpi_entry_id = None  # (the foreign key does this too; said here for every database)
        log(session, actor, "kpi_removed", organisation_id, kpi=row.code, values=values)
        session.delete(row)


# --- targets and values --------------------------------------------------------------------------------

def _kpi_of(row: KpiEntryRow, library: KpiLibrary) -> KpiDefinition:
    kpi = _definition(row, library)
    if kpi is None:
        raise InputError("kpi_not_in_library", "kpi", value=row.code)
    return kpi


def _input_error(error: KpiValueError, kpi: KpiDefinition) -> InputError:
    params = dict(error.params)
    params.setdefault("period", "")
    return InputError(error.code, f"kpi_{error.field}", kpi=kpi.name, **params)


def set_target(db: Database, *, actor: Actor, entry_id: int, library: KpiLibrary, target) -> None:
    """The target of a register KPI in its own unit (a percentage as 0-100); None removes it. A context KPI
    takes no target: up or down is neither better nor worse."""
    with db.write() as session:
        organisation_id, row = _checked_entry(session, actor, entry_id, ANSWER)
        kpi = _kpi_of(row, library)
        try:
            clean = check_target(kpi, target)
        except KpiValueError as error:
            raise _input_error(error, kpi)
        if clean is not None and not kpi.has_direction:  # removing a target (None) stays possible
            raise InputError("kpi_context_target", "kpi_target", kpi=kpi.name)
        if row.target != clean:
            log(session, actor, "kpi_target_set", organisation_id, kpi=row.code, target=clean)
            row.target, row.updated_at = clean, utcnow()


def _stored_periods(session, entry_id: int) -> dict[str, KpiValueRow]:
    return {r.period: r for r in session.scalars(select(KpiValueRow).where(KpiValueRow.entry_id == entry_id))}


def save_value(db: Database, *, actor: Actor, entry_id: int, library: KpiLibrary, period, value=None,
               numerator=None, denominator=None, replace: bool = False, today: date | None = None) -> KpiValue:
    """Store the measured value of a register KPI for one period (a ratio: numerator and denominator). A period
    that already has a value is refused unless `replace`; a period that overlaps another one (a quarter of a
    year that has a value) is always refused."""
    with db.write() as session:
        organisation_id, row = _checked_entry(session, actor, entry_id, ANSWER)
        kpi = _kpi_of(row, library)
        try:
            measured = check_measurement(kpi, period, value=value, numerator=numerator, denominator=denominator,
                                         today=today or date.today())
        except KpiValueError as error:
            raise _input_error(error, kpi)
        stored = _stored_periods(session, entry_id)
        code = measured.period.code
        others = [Period(r.first_month, r.months, r.period) for r in stored.values()
                  if not (replace and r.period == code)]
        if (clash := overlap(measured.period, others)) is not None:
            if clash.code == code:
                raise InputError("kpi_duplicate_period", "kpi_period", kpi=kpi.name, period=code)
            raise InputError("kpi_overlapping_period", "kpi_period", kpi=kpi.name, period=code, other=clash.code)
        existing = stored.get(code)
        now = utcnow()
        if existing is None:
            existing = KpiValueRow(entry_id=entry_id, period=measured.period.code)
            session.add(existing)
        existing.first_month, existing.months = measured.period.first_month, measured.period.months
        existing.value, existing.numerator, existing.denominator = (measured.value, measured.numerator,
                                                                    measured.denominator)
        existing.entered_by, existing.source, existing.updated_at = actor.label, "app", now
        session.flush()
        log(session, actor, "kpi_value_saved", organisation_id, kpi=row.code, period=measured.period.code,
            source="app")
        return _value(existing)


def delete_value(db: Database, *, actor: Actor, entry_id: int, period: str) -> None:
    with db.write() as session:
        organisation_id, row = _checked_entry(session, actor, entry_id, ANSWER)
        stored = _stored_periods(session, entry_id).get(str(period))
        if stored is None:
            raise InputError("kpi_no_value", "kpi_period", period=str(period)[:20])
        log(session, actor, "kpi_value_deleted", organisation_id, kpi=row.code, period=stored.period)
        session.delete(stored)


@dataclass(frozen=True)
class Replacement:
    """A value the file replaces: the KPI (its definition, for its name and unit), the period, old and new."""

    kpi: KpiDefinition
    period: str
    old: Measurement
    new: Measurement


@dataclass(frozen=True)
class ImportPreview:
    """What a file of values would store: checked completely, nothing written yet."""

    values: int
    kpis: int
    replaced: list[Replacement]
    encoding: str  # "" for a workbook
    separator: str
    notation: str | None  # "nl", "en" or None (no cell told)

    @property
    def replaced_keys(self) -> frozenset[tuple[str, str]]:
        return frozenset((r.kpi.id, r.period) for r in self.replaced)


def _read_file(db: Database, actor: Actor, organisation_id: int, library: KpiLibrary, filename: str, data: bytes):
    """The file read (outside any transaction), knowing which fields of the register's KPIs are counts."""
    from exports.kpi_file import read_kpi_file

    with db.read() as session:  # before reading the file: no work for someone who may not store it
        require(session, actor, organisation_id, ANSWER)
        counts = {}
        for row in session.scalars(select(KpiEntryRow).where(KpiEntryRow.organisation_id == organisation_id)):
            kpi = _definition(row, library)
            counts[row.code] = counted_fields(kpi) if kpi else ()
    return read_kpi_file(filename, data, counts=lambda code: counts.get(code, ()))


def _checked_file(session, actor: Actor, organisation_id: int, library: KpiLibrary, table, replace: bool,
                  today: date):
    """Every row of the file checked against the register: (accepted rows, replaced values, the stored values
    per KPI), or `FileImportError` with every problem."""
    require(session, actor, organisation_id, ANSWER)
    entries = {r.code: r for r in session.scalars(select(KpiEntryRow)
                                                   .where(KpiEntryRow.organisation_id == organisation_id))}
    definitions = {code: _definition(row, library) for code, row in entries.items()}
    header = table.headers
    stored = {code: _stored_periods(session, row.id) for code, row in entries.items()}
    problems: list[FileProblem] = []
    accepted: list[tuple[KpiEntryRow, Measurement]] = []
    replaced: list[Replacement] = []
    seen: dict[str, list[tuple[Period, int]]] = {}
    for line in table.rows:
        cells = line.cells
        code = "" if cells.get("kpi") is None else str(cells["kpi"]).strip().lower()
        row = entries.get(code)
        if not code:
            problems.append(FileProblem("kpifile.missing_kpi", line.row, header["kpi"]))
            continue
        if row is None:
            known = library.kpi(code)
            problems.append(FileProblem("error.kpi_not_in_register" if known else "error.kpi_unknown",
                                        line.row, header["kpi"],
                                        {"value": str(cells["kpi"])[:60], "kpi": known.name if known else ""}))
            continue
        kpi = definitions[code]
        if kpi is None:
            problems.append(FileProblem("error.kpi_not_in_library", line.row, header["kpi"], {"value": code}))
            continue
        try:
            measured = check_measurement(kpi, cells.get("period"), value=cells.get("value"),
                                         numerator=cells.get("numerator"), denominator=cells.get("denominator"),
                                         today=today)
        except KpiValueError as error:
            params = {"period": "", **error.params, "kpi": kpi.name, "field": header.get(error.field, error.field)}
            problems.append(FileProblem(f"error.{error.code}", line.row, header.get(error.field, error.field),
                                        params))
            continue
        period = measured.period
        earlier = [p for p, _ in seen.get(code, [])]
        if (clash := overlap(period, earlier)) is not None:
            first = next(number for p, number in seen[code] if p == clash)
            key = "error.kpi_duplicate_in_file" if clash.code == period.code else "error.kpi_overlap_in_file"
            problems.append(FileProblem(key, line.row, header["period"],
                                        {"kpi": kpi.name, "period": period.code, "other": clash.code,
                                         "first": first}))
            continue
        seen.setdefault(code, []).append((period, line.row))
        others = [Period(r.first_month, r.months, r.period) for r in stored[code].values()
                  if not (replace and r.period == period.code)]
        if (clash := overlap(period, others)) is not None:
            key = "error.kpi_duplicate_period" if clash.code == period.code else "error.kpi_overlapping_period"
            problems.append(FileProblem(key, line.row, header["period"],
                                        {"kpi": kpi.name, "period": period.code, "other": clash.code}))
            continue
        old = stored[code].get(period.code)
        if old is not None and (old.value, old.numerator, old.denominator) != (
                measured.value, measured.numerator, measured.denominator):  # the same value again changes nothing
            replaced.append(Replacement(kpi, period.code, _value(old).measurement, measured))
        accepted.append((row, measured))
    if problems:
        raise FileImportError(problems)
    return accepted, replaced, stored


def preview_import(db: Database, *, actor: Actor, organisation_id: int, library: KpiLibrary, filename: str,
                   data: bytes, today: date | None = None) -> ImportPreview:
    """Check a file of values completely, as `import_values` with `replace` would, and say what it would store
    and which stored values it would replace (old and new); nothing is written. `FileImportError` names every
    problem by row and column."""
    table = _read_file(db, actor, organisation_id, library, filename, data)
    with db.read() as session:
        accepted, replaced, _ = _checked_file(session, actor, organisation_id, library, table, True,
                                              today or date.today())
    return ImportPreview(len(accepted), len({row.code for row, _ in accepted}), replaced, table.encoding,
                         table.separator, table.notation)


def import_values(db: Database, *, actor: Actor, organisation_id: int, library: KpiLibrary, filename: str,
                  data: bytes, replace: bool = False, today: date | None = None,
                  expected_replacements: frozenset[tuple[str, str]] | None = None) -> int:
    """Check a file of measured values (CSV or XLSX, one row per KPI and period) completely against the
    register, then store every row, in one transaction. Any problem raises `FileImportError` naming each
    problem's row and column, and nothing is stored. A period that already has a value is a problem unless
    `replace`. With `expected_replacements` (the preview's `replaced_keys`, confirmed by the user), a file that
    would now replace other values than the preview showed (someone stored a value meanwhile) is refused.
    Returns the number of values stored."""
    table = _read_file(db, actor, organisation_id, library, filename, data)
    today = today or date.today()
    with db.write() as session:
        accepted, replaced, stored = _checked_file(session, actor, organisation_id, library, table, replace,
                                                   today)
        if expected_replacements is not None and \
                frozenset((r.kpi.id, r.period) for r in replaced) != expected_replacements:
            raise FileImportError([FileProblem("kpifile.changed_since_preview")])
        now = utcnow()
        for row, measured in accepted:
            target = stored[row.code].get(measured.period.code)
            if target is None:
                target = KpiValueRow(entry_id=row.id, period=measured.period.code)
                session.add(target)
            target.first_month, target.months = measured.period.first_month, measured.period.months
            target.value, target.numerator, target.denominator = (measured.value, measured.numerator,
                                                                  measured.denominator)
            target.entered_by, target.source, target.updated_at = actor.label, "file", now
        log(session, actor, "kpi_values_imported", organisation_id, values=len(accepted), file=filename[:100],
            replaced=len(replaced))
        return len(accepted)


# --- comparing with similar organisations -------------------------------------------------------------

def compare_with_peers(db: Database, *, actor: Actor, organisation_id: int, library: KpiLibrary, year: int,
                       min_group: int = DEFAULT_MIN_GROUP) -> dict[str, PeerFigure]:
    """Per library KPI in the register: the yearly figures of organisations of the same type that share
    anonymously (never the organisation itself), only for KPIs with the same library id, and only when at least
    `min_group` distinct organisations have a figure (as for the scores). Counts are not compared: they depend
    on the size of the organisation. Returns {library id: figure}; `own` is the organisation's own figure."""
    with db.read() as session:
        require(session, actor, organisation_id, READ)
        org_type = session.scalar(select(OrganisationRow.org_type).where(OrganisationRow.id == organisation_id))
        own_rows = session.scalars(select(KpiEntryRow).where(KpiEntryRow.organisation_id == organisation_id,
                                                             KpiEntryRow.from_library.is_(True))).all()
        codes = [r.code for r in own_rows if library.kpi(r.code) is not None and library.kpi(r.code).unit != "count"]
        if not codes:
            return {}
        rows = session.execute(
            select(KpiEntryRow.organisation_id, KpiEntryRow.code, KpiValueRow.period, KpiValueRow.first_month,
                   KpiValueRow.months, KpiValueRow.value, KpiValueRow.numerator, KpiValueRow.denominator)
            .join(KpiValueRow, KpiValueRow.entry_id == KpiEntryRow.id)
            .join(OrganisationRow, OrganisationRow.id == KpiEntryRow.organisation_id)
            .where(KpiEntryRow.from_library.is_(True), KpiEntryRow.code.in_(codes),
                   KpiValueRow.first_month >= year * 12, KpiValueRow.first_month < (year + 1) * 12,
                   ((OrganisationRow.share_anonymously.is_(True)) & (OrganisationRow.org_type == org_type)
                    & (OrganisationRow.id != organisation_id)) | (OrganisationRow.id == organisation_id))).all()
    measurements: dict[tuple[int, str], list[Measurement]] = {}
    for org, code, period, first_month, months, value, numerator, denominator in rows:
        measurements.setdefault((org, code), []).append(
            Measurement(Period(first_month, months, period), value, numerator, denominator))
    figures: dict[tuple[int, str], float | None] = {}
    for (org, code), found in measurements.items():
        figure = yearly(library.kpi(code), found).get(year)
        figures[(org, code)] = figure.value if figure else None
    peers = sorted({org for org, _ in figures if org != organisation_id})
    frame = pd.DataFrame([[figures.get((org, code)) for code in codes] for org in peers], columns=codes,
                         dtype=float)
    own = {code: figures.get((organisation_id, code)) for code in codes}
    return peer_figures(frame, own, min_group, organisations=np.array([f"org-{o}" for o in peers], dtype=object))


def localized(value, lang: str):
    """A message parameter in the user's language (a library KPI's name is a `LocalizedText`)."""
    return value.get(lang) if isinstance(value, LocalizedText) else value
