"""Import a workbook without losing anything: first the differences with the app, then only those.

1. `compare(workbook, app)` computes the differences as plain data (`ImportPreview`): per sheet, the answers,
   comments, targets and plan actions that the workbook changes, adds or removes, field by field. It is a
   pure function: the page, the confirmation and the tests all use it.
2. `preview_workbook` reads the app's data and calls `compare`; the page shows the result and asks.
3. `apply_workbook` computes the differences again inside one write transaction, checks that they are still
   the ones the user confirmed, and writes only those: unchanged rows keep who answered, when, the
   "carried over" mark, the library action and the action's number. Changed rows record the person who
   imported, and the activity log says the change came from the workbook.

Which side changed what is told by three versions of every field: what was exported (the fingerprints in
the workbook's hidden sheet), what the workbook holds now and what the app holds now.

- changed in the workbook only: a difference, written after the confirmation;
- changed in the app only (after the export): it stays as it is in the app ("kept", shown for information);
- changed on both sides, differently: a conflict; the user chooses per row, and nothing is written without a
  choice for every conflict;
- a plan action that is missing from the workbook is removed only when the user confirms that removal.

A workbook of an assessment that is not in this database (another installation) creates it, with
everything in the workbook.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import select

from access.service import ANSWER, Actor, log, require, require_admin
from exports.workbook_rows import (ANSWER_FIELDS, PLAN_FIELDS, action_key, answer_key, canonical, canonical_row,
                                   fingerprint, target_key)

from plan import service as plan

from . import service
from storage.db import Database
from storage.models import ActivityRow, AnswerRow, AssessmentRow, OrganisationRow, PlanActionRow, TargetRow

if TYPE_CHECKING:
    from exports.workbook_import import WorkbookData

ANSWERS, TARGETS, PLAN = "answers", "targets", "plan"
APP, WORKBOOK = "app", "workbook"  # the two choices for a conflict


class ImportRefused(ValueError):
    """The workbook is fine, but it cannot be written here (now): `code` says why."""

    def __init__(self, code: str, row: int | None = None, **params):
        super().__init__(f"{code} {params}")
        self.code, self.row, self.params = code, row, params


@dataclass(frozen=True)
class Difference:
    """One row that the workbook changes. Values are canonical (`exports.workbook_rows.canonical`): levels,
    codes, texts, dates as ISO text."""

    sheet: str  # ANSWERS, TARGETS or PLAN
    key: str  # answer:<question id>, target:<dimension id>, action:<number>, or new:<row> for a new action
    kind: str  # "changed", "added" or "removed" (a plan action that is not in the workbook any more)
    fields: tuple[str, ...]  # the fields the workbook changes (for "removed": none)
    app: dict  # the app's values now (of `fields`; of every field of a removed action)
    workbook: dict  # the workbook's values of `fields`
    row: int | None = None  # the row in the workbook's sheet
    conflicts: tuple[str, ...] = ()  # the fields that were changed in the app after the export as well
    removed_in_app: bool = False  # removed in the app after the export, changed in the workbook: a conflict
    changed_by: str | None = None  # who changed the row in the app last (for a conflict or a kept change)
    changed_at: datetime | None = None
    label: str = ""  # the question id or the action's title

    @property
    def conflict(self) -> bool:
        return bool(self.conflicts) or self.removed_in_app

    def comparable(self) -> dict:
        """What the user confirmed about this row (not who or when)."""
        return {k: v for k, v in asdict(self).items() if k not in ("changed_by", "changed_at")}


@dataclass(frozen=True)
class ImportPreview:
    assessment_id: str
    period: str
    organisation: str
    new_assessment: bool  # not in this database yet: the import creates it
    exported_at: datetime
    differences: tuple[Difference, ...]
    kept: tuple[Difference, ...]  # changed in the app after the export and not in the workbook: they stay
    signature: str = ""

    @property
    def conflicts(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.conflict)

    @property
    def removals(self) -> tuple[Difference, ...]:
        """Plan actions missing from the workbook: removed only when the user confirms it."""
        return tuple(d for d in self.differences if d.kind == "removed" and not d.conflict)

    def counts(self) -> dict[str, int]:
        """How many of each kind, for a summary in plain words ("3 antwoorden anders, 1 actie nieuw")."""
        plain = [d for d in self.differences if not d.conflict]
        return {
            "answers": sum(1 for d in plain if d.sheet == ANSWERS and "value" in d.fields),
            "comments": sum(1 for d in plain if d.sheet == ANSWERS and "comment" in d.fields),
            "targets": sum(1 for d in plain if d.sheet == TARGETS),
            "actions_added": sum(1 for d in plain if d.sheet == PLAN and d.kind == "added"),
            "actions_changed": sum(1 for d in plain if d.sheet == PLAN and d.kind == "changed"),
            "actions_removed": sum(1 for d in plain if d.sheet == PLAN and d.kind == "removed"),
            "conflicts": len(self.conflicts),
        }


@dataclass(frozen=True)
class AppRow:
    values: dict  # canonical values of the fields, as the workbook would show them
    changed_by: str | None = None
    changed_at: datetime | None = None
    created_at: datetime | None = None  # plan actions: a number can be used again after a removal (SQLite)


@dataclass(frozen=True)
class AppData:
    """The app's data of one assessment, as plain values (what `compare` compares the workbook with)."""

    answers: dict[str, AppRow] = field(default_factory=dict)  # question id -> value, comment
    targets: dict[str, AppRow] = field(default_factory=dict)  # dimension id -> level set (None: the default)
    actions: dict[int, AppRow] = field(default_factory=dict)  # number -> PLAN_FIELDS in the workbook's language
    removed_actions: dict[int, AppRow] = field(default_factory=dict)  # removed since the export: who and when
    target_changes: dict[str, AppRow] = field(default_factory=dict)  # targets set since the export: who, when


# --- the differences -----------------------------------------------------------------------------------

def compare(workbook: "WorkbookData", app: AppData, *, new_assessment: bool = False) -> ImportPreview:
    """The differences between a workbook and the app's data, per row and field, with conflicts."""
    exported = workbook.exported
    differences: list[Difference] = []
    kept: list[Difference] = []

    def changed(key: str, name: str, value) -> bool:
        """Does `value` differ from what was exported in this field?"""
        return exported.get(key, {}).get(name) != fingerprint(name, value)

    # answers: value and comment of each question
    for question_id, answer in workbook.answers.items():
        key = answer_key(question_id)
        mine = canonical_row({"value": answer.value, "comment": answer.comment})
        current = app.answers.get(question_id, AppRow({"value": None, "comment": ""}))
        theirs = canonical_row(current.values)
        if new_assessment:
            fields = tuple(f for f in ANSWER_FIELDS if mine[f] not in (None, ""))
            if fields:
                differences.append(Difference(ANSWERS, key, "added", fields, {}, {f: mine[f] for f in fields},
                                              answer.row, label=question_id))
            continue
        differing = [f for f in ANSWER_FIELDS if mine[f] != theirs[f]]
        fields = tuple(f for f in differing if changed(key, f, mine[f]))
        conflicts = tuple(f for f in fields if changed(key, f, theirs[f]))
        only_app = tuple(f for f in differing if f not in fields)
        if fields:
            differences.append(Difference(
                ANSWERS, key, "changed", fields, {f: theirs[f] for f in fields}, {f: mine[f] for f in fields},
                answer.row, conflicts, changed_by=current.changed_by if conflicts else None,
                changed_at=current.changed_at if conflicts else None, label=question_id))
        if only_app:
            kept.append(Difference(ANSWERS, key, "changed", only_app, {f: theirs[f] for f in only_app},
                                   {f: mine[f] for f in only_app}, answer.row, changed_by=current.changed_by,
                                   changed_at=current.changed_at, label=question_id))

    # targets: the target shown per dimension; an empty cell means the default (stage + 1)
    for dimension_id, target in workbook.targets.items():
        key = target_key(dimension_id)
        current = app.targets.get(dimension_id, AppRow({"level": None}))
        theirs = canonical("level", current.values.get("level"))
        mine = canonical("level", target.level)
        if new_assessment:
            if mine is not None and (dimension_id in workbook.explicit_targets or changed(key, "level", mine)):
                differences.append(Difference(TARGETS, key, "added", ("level",), {}, {"level": mine}, target.row,
                                              label=dimension_id))
            continue
        at_export = exported.get(key, {}).get("level")
        was_set = dimension_id in workbook.explicit_targets
        app_changed = (theirs is None) == was_set or (theirs is not None and fingerprint("level", theirs) != at_export)
        who = app.target_changes.get(dimension_id, current)
        if changed(key, "level", mine):
            if mine != theirs:
                differences.append(Difference(
                    TARGETS, key, "changed", ("level",), {"level": theirs}, {"level": mine}, target.row,
                    ("level",) if app_changed else (), changed_by=who.changed_by if app_changed else None,
                    changed_at=who.changed_at if app_changed else None, label=dimension_id))
        elif app_changed and mine != theirs:
            kept.append(Difference(TARGETS, key, "changed", ("level",), {"level": theirs}, {"level": mine},
                                   target.row, changed_by=who.changed_by, changed_at=who.changed_at,
                                   label=dimension_id))

    # the plan: by the action's number; a row without a number is new
    def added_later(row: AppRow) -> bool:
        return row.created_at is not None and row.created_at > workbook.exported_at

    exported_ids = {int(k.split(":", 1)[1]) for k in exported if k.startswith("action:")}
    # actions added in the app after the export (also one that got the number of an action removed since)
    later = {action_id: row for action_id, row in app.actions.items()
             if action_id not in exported_ids or added_later(row)}
    matched, in_workbook = set(), set()
    for action in workbook.actions:
        mine = canonical_row({f: action.fields.get(f) for f in PLAN_FIELDS})
        if action.id is None or new_assessment:
            same = next((action_id for action_id, row in later.items()
                         if action_id not in matched and canonical_row(row.values) == mine), None)
            if same is not None:  # already in the app: this workbook was imported before, or someone typed it
                matched.add(same)
                continue
            differences.append(Difference(PLAN, f"new:{action.row}", "added", PLAN_FIELDS, {}, mine, action.row,
                                          label=mine["title"]))
            continue
        key = action_key(action.id)
        in_workbook.add(action.id)
        current = None if action.id in later else app.actions.get(action.id)
        workbook_changed = tuple(f for f in PLAN_FIELDS if changed(key, f, mine[f]))
        if current is None:  # removed in the app after the export
            gone = app.removed_actions.get(action.id, AppRow({}))
            if workbook_changed:
                differences.append(Difference(PLAN, key, "changed", PLAN_FIELDS, {}, mine, action.row,
                                              removed_in_app=True, changed_by=gone.changed_by,
                                              changed_at=gone.changed_at, label=mine["title"]))
            else:
                kept.append(Difference(PLAN, key, "removed", (), {}, mine, action.row, changed_by=gone.changed_by,
                                       changed_at=gone.changed_at, label=mine["title"]))
            continue
        theirs = canonical_row(current.values)
        differing = [f for f in PLAN_FIELDS if mine[f] != theirs[f]]
        fields = tuple(f for f in differing if f in workbook_changed)
        conflicts = tuple(f for f in fields if changed(key, f, theirs[f]))
        only_app = tuple(f for f in differing if f not in fields)
        if fields:
            differences.append(Difference(
                PLAN, key, "changed", fields, {f: theirs[f] for f in fields}, {f: mine[f] for f in fields},
                action.row, conflicts, changed_by=current.changed_by if conflicts else None,
                changed_at=current.changed_at if conflicts else None, label=mine["title"]))
        if only_app:
            kept.append(Difference(PLAN, key, "changed", only_app, {f: theirs[f] for f in only_app},
                                   {f: mine[f] for f in only_app}, action.row, changed_by=current.changed_by,
                                   changed_at=current.changed_at, label=theirs["title"]))
    if not new_assessment:
        for action_id, current in app.actions.items():
            theirs = canonical_row(current.values)
            if action_id in later:
                if action_id not in matched:  # added in the app after the export: it stays
                    kept.append(Difference(PLAN, f"later:{action_id}", "added", PLAN_FIELDS, theirs, {},
                                           changed_by=current.changed_by, changed_at=current.changed_at,
                                           label=theirs["title"]))
                continue
            if action_id in in_workbook:
                continue
            key = action_key(action_id)
            app_changed = tuple(f for f in PLAN_FIELDS if changed(key, f, theirs[f]))
            differences.append(Difference(PLAN, key, "removed", (), theirs, {}, None, app_changed,
                                          changed_by=current.changed_by if app_changed else None,
                                          changed_at=current.changed_at if app_changed else None,
                                          label=theirs["title"]))

    order = {ANSWERS: 0, TARGETS: 1, PLAN: 2}
    differences.sort(key=lambda d: (order[d.sheet], d.row if d.row is not None else 10 ** 9, d.key))
    kept.sort(key=lambda d: (order[d.sheet], d.row if d.row is not None else 10 ** 9, d.key))
    signature = hashlib.sha256(json.dumps([d.comparable() for d in differences], sort_keys=True, default=str)
                               .encode("utf-8")).hexdigest()
    return ImportPreview(workbook.assessment_id, workbook.period, workbook.organisation, new_assessment,
                         workbook.exported_at, tuple(differences), tuple(kept), signature)


# --- the app's side ------------------------------------------------------------------------------------

def _app_data(session, assessment_id: str, workbook: "WorkbookData") -> AppData:
    """The assessment's answers, targets and plan as plain values, with who changed what since the export."""
    since = workbook.exported_at
    answers = {
        row.question_id: AppRow({"value": row.level if row.level is not None else row.non_score,
                                 "comment": row.comment}, row.answered_by or None, row.updated_at)
        for row in session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id))}
    targets = {row.dimension_id: AppRow({"level": row.level}, row.set_by or None, row.updated_at)
               for row in session.scalars(select(TargetRow).where(TargetRow.assessment_id == assessment_id))}
    # who changed plan actions and targets since the export: the activity log knows
    actions_by, removed, target_changes = {}, {}, {}
    for entry in session.scalars(select(ActivityRow).where(
            ActivityRow.assessment_id == assessment_id, ActivityRow.at > since,
            ActivityRow.action.in_(("action_changed", "action_added", "action_removed", "target_set")))
            .order_by(ActivityRow.at, ActivityRow.id)):
        detail = json.loads(entry.detail or "{}")
        if entry.action == "target_set":
            target_changes[detail.get("dimension")] = AppRow({}, entry.actor, entry.at)
        elif entry.action == "action_removed":
            removed[detail.get("action_id")] = AppRow({}, entry.actor, entry.at)
        else:
            actions_by[detail.get("action_id")] = (entry.actor, entry.at)
    actions = {}
    for row in session.scalars(select(PlanActionRow).where(PlanActionRow.assessment_id == assessment_id)):
        shown = plan.in_language(plan.view(row), workbook.questionnaire, workbook.language)
        by, at = actions_by.get(row.id, (None, row.updated_at))
        actions[row.id] = AppRow({f: getattr(shown, f) for f in PLAN_FIELDS}, by, at, row.created_at)
    return AppData(answers, targets, actions, removed, target_changes)


def _organisation_for_new(session, data: "WorkbookData", actor: Actor) -> OrganisationRow | None:
    """For a workbook of an assessment that is not here: its organisation (checking the actor may answer
    there), or None when that is new too (only an application administrator may add it)."""
    name = (data.organisation or "").strip()
    if not name or data.org_type not in service.ORGANISATION_TYPES or \
            data.size_class not in service.size_classes_for(data.org_type) or \
            not service.PERIOD_PATTERN.match(data.period or ""):
        raise ImportRefused("organisation_incomplete")
    organisation = session.scalar(select(OrganisationRow).where(OrganisationRow.name_key == name.casefold()))
    if organisation is not None:
        require(session, actor, organisation.id, ANSWER)
        taken = session.scalar(select(AssessmentRow.id).where(
            AssessmentRow.organisation_id == organisation.id, AssessmentRow.period == data.period,
            AssessmentRow.questionnaire_id == data.questionnaire.id))
        if taken:
            raise ImportRefused("period_taken", period=data.period)
    else:
        require_admin(actor)
    return organisation


def _check_assessment(session, row: AssessmentRow, data: "WorkbookData", actor: Actor) -> None:
    require(session, actor, row.organisation_id, ANSWER)
    if row.status == "final":
        raise ImportRefused("assessment_final")
    if (row.questionnaire_id, row.questionnaire_version) != (data.questionnaire.id, data.questionnaire.version):
        raise ImportRefused("questionnaire_mismatch")


def _preview_in(session, data: "WorkbookData", actor: Actor) -> ImportPreview:
    row = session.get(AssessmentRow, data.assessment_id)
    if row is None:
        _organisation_for_new(session, data, actor)
        return compare(data, AppData(), new_assessment=True)
    _check_assessment(session, row, data, actor)
    return compare(data, _app_data(session, row.id, data))


def preview_workbook(db: Database, data: "WorkbookData", *, actor: Actor) -> ImportPreview:
    """What importing the workbook would change; writes nothing. The actor needs the right to answer in the
    assessment's organisation."""
    with db.read() as session:
        return _preview_in(session, data, actor)


# --- writing ---------------------------------------------------------------------------------------------

def _python(name: str, value):
    """A canonical value as the app stores it."""
    if name in ("start_date", "due_date"):
        return date.fromisoformat(value) if value else None
    return value


def _id_of(difference: Difference) -> str:
    """The question id, dimension id or action number in a difference's key."""
    return difference.key.split(":", 1)[1]


def apply_workbook(db: Database, data: "WorkbookData", *, actor: Actor, confirmed: ImportPreview,
                   choices: dict[str, str] | None = None, remove: Iterable[str] = ()) -> dict[str, int]:
    """Write the differences the user confirmed (`confirmed`, from `preview_workbook`), in one transaction.

    `choices` says per conflict (by its key) which version stays: "app" or "workbook"; every conflict
    needs one. `remove` holds the keys of the plan actions missing from the workbook that are to be removed;
    other missing actions stay. When the differences are no longer the confirmed ones (someone changed the
    app in the meantime) nothing is written: `ImportRefused("changed_since_preview")`. Returns how many rows
    were written, per kind."""
    choices, remove = dict(choices or {}), set(remove)
    with db.write() as session:
        # lock the assessment first, so that no change of the app slips in between comparing and writing
        session.scalar(select(AssessmentRow.id).where(AssessmentRow.id == data.assessment_id).with_for_update())
        preview = _preview_in(session, data, actor)
        if preview.signature != confirmed.signature:
            raise ImportRefused("changed_since_preview")
        undecided = [d for d in preview.conflicts if choices.get(d.key) not in (APP, WORKBOOK)]
        if undecided:
            raise ImportRefused("choice_missing", count=len(undecided))
        row = session.get(AssessmentRow, data.assessment_id)
        if row is None:
            organisation = _organisation_for_new(session, data, actor)
            if organisation is None:
                name = data.organisation.strip()
                organisation = OrganisationRow(name=name, name_key=name.casefold(), org_type=data.org_type,
                                               size_class=data.size_class)
                session.add(organisation)
                session.flush()
                log(session, actor, "organisation_created", organisation.id, name=name, source="workbook")
            row = AssessmentRow(id=data.assessment_id, organisation_id=organisation.id, year=int(data.period[:4]),
                                period=data.period, questionnaire_id=data.questionnaire.id,
                                questionnaire_version=data.questionnaire.version, status="draft")
            session.add(row)
            session.flush()
            log(session, actor, "assessment_created", organisation.id, row.id, period=row.period,
                questionnaire=data.questionnaire.key, source="workbook")
        organisation_id, assessment_id = row.organisation_id, row.id
        written = {"answers": 0, "targets": 0, "actions_added": 0, "actions_changed": 0, "actions_removed": 0}
        updates, additions, deletions = {}, [], []
        for difference in preview.differences:
            take = choices.get(difference.key) == WORKBOOK if difference.conflict else True
            fields = difference.fields if take else tuple(f for f in difference.fields
                                                          if f not in difference.conflicts)
            if difference.removed_in_app:
                if take:
                    additions.append(plan.clean_addition(
                        {f: _python(f, v) for f, v in difference.workbook.items()}, data.questionnaire))
                continue
            if difference.kind == "removed":
                if (difference.conflict and take) or (not difference.conflict and difference.key in remove):
                    deletions.append(int(_id_of(difference)))
                continue
            if not fields:
                continue
            values = {f: _python(f, difference.workbook[f]) for f in fields}
            if difference.sheet == ANSWERS:
                columns = {}
                if "value" in values:
                    level, non_score = (None, None) if values["value"] is None else service.split_value(
                        values["value"], _id_of(difference))
                    columns.update(level=level, non_score=non_score)
                if "comment" in values:
                    columns["comment"] = values["comment"]
                service.store_answer(session, actor, organisation_id, assessment_id, _id_of(difference),
                                     source="workbook", **columns)
                written["answers"] += 1
            elif difference.sheet == TARGETS:
                service.store_target(session, actor, organisation_id, assessment_id, _id_of(difference),
                                     values["level"], source="workbook")
                written["targets"] += 1
            elif difference.kind == "added":
                additions.append(plan.clean_addition(values, data.questionnaire))
            else:
                updates[int(_id_of(difference))] = plan.validated(values, data.questionnaire)
        if updates or additions or deletions:
            if not preview.new_assessment:
                service.lock_draft(session, assessment_id)
            plan.store_changes(session, actor, organisation_id, assessment_id, updates, additions, deletions,
                               source="workbook")
        written.update(actions_added=len(additions), actions_changed=len(updates), actions_removed=len(deletions))
        if any(written.values()) or preview.new_assessment:
            log(session, actor, "workbook_imported", organisation_id, assessment_id,
                exported_at=data.exported_at.isoformat(), **written)
        return written
