"""Peer groups and peer data: who is compared with whom, and where the peer answers come from.

Sources, combined: final assessments of organisations that opted in to share anonymously (never the
organisation itself), and stored peer sets (an imported benchmark file, or the fictitious demo set).
Peers are scored with `scoring.batch.score_batch`, so with the same rules as the own scores, once: their
scores are stored (`peers.scores`) and a comparison reads them with one query.

The rows a comparison read are kept in memory with the stamp of the peer data they were read at: a stamp the
database itself changes on every change of peer data (triggers, migration 0012). The next comparison of the
same group reads only the stamp, and the rows again only when it changed; so a change made through another
app server is seen at once, and a page that is drawn again does not read thousands of peers again.

Every peer row carries an opaque key of its organisation, so that the anonymity minimum counts distinct
organisations, not organisation-years: "org-<id>" for an organisation in this database, the key a benchmark
file's reader made from its `organisation` label (a hash, never the label), "demo-<n>" for the demo set.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Integer, String, case, cast, func, insert, null, select, union_all

from questionnaires.model import Questionnaire
from scoring.comparison import comparable_units
from scoring.legal import LEGAL_PREFIX, YES, legal_key
from scoring.peers import DEFAULT_MIN_GROUP, PeerFigure, peer_figures

from access.service import MANAGE, READ, AccessDenied, Actor, log, require, require_admin

from rules.input import size_classes_for

from . import scores
from storage.db import Database
from storage.models import (AnswerRow, AssessmentRow, AssessmentScoreRow, DataVersionRow, OrganisationRow,
                            PeerRecordRow, PeerSetRow)

DEMO_NAME = "Fictieve demo-gegevens / fictitious demo data"


@dataclass(frozen=True)
class PeerGroup:
    org_type: str
    size_classes: tuple[str, ...]
    years: tuple[int, ...]
    min_group: int = DEFAULT_MIN_GROUP


@dataclass(frozen=True)
class PeerSet:
    id: int
    name: str
    source: str
    is_demo: bool
    questionnaire_key: str
    records: int
    for_everyone: bool = False  # not an organisation's own set: managed by an application administrator


@dataclass(frozen=True)
class PeerComparison:
    group: PeerGroup
    n_peers: int  # organisation-years
    n_demo: int  # how many of them are fictitious demo data
    figures: dict[str, PeerFigure]
    n_organisations: int = 0  # distinct organisations among them
    # peers who used an earlier version of the questionnaire count only where that version measures the same;
    # these are the units (dimension, competency, "overall" ids) where they could not be compared
    not_compared: tuple[str, ...] = ()
    earlier_versions: tuple[str, ...] = ()  # the earlier versions that peers in the group used


def set_sharing(db: Database, *, actor: Actor, organisation_id: int, share: bool) -> None:
    with db.write() as session:
        require(session, actor, organisation_id, MANAGE)
        row = session.get(OrganisationRow, organisation_id)
        row.share_anonymously = bool(share)
        log(session, actor, "sharing_changed", organisation_id, share=bool(share))


def is_sharing(db: Database, *, actor: Actor, organisation_id: int) -> bool:
    with db.read() as session:
        require(session, actor, organisation_id, READ)
        return bool(session.scalar(select(OrganisationRow.share_anonymously)
                                   .where(OrganisationRow.id == organisation_id)))


def _may_manage_set(session, actor: Actor, organisation_id: int | None) -> None:
    """An organisation's own peer data: its beheerder; peer data for everyone: an administrator."""
    if organisation_id is None:
        require_admin(actor)
    else:
        require(session, actor, organisation_id, MANAGE)


def store_peer_set(db: Database, *, actor: Actor, organisation_id: int | None, name: str, source: str,
                   questionnaire: Questionnaire, records: list[dict], is_demo: bool = False) -> int:
    """Store a checked set of peer records (organisation_key, org_type, size_class, year, answers or scores) in
    one transaction, as peer data of `organisation_id` (None: for everyone). Every record needs the key of
    its organisation: the anonymity minimum counts them."""
    with db.write() as session:
        _may_manage_set(session, actor, organisation_id)
        return _add_peer_set(session, actor, organisation_id, name, source, questionnaire, records, is_demo)


def _add_peer_set(session, actor: Actor, organisation_id: int | None, name: str, source: str,
                  questionnaire: Questionnaire, records: list[dict], is_demo: bool) -> int:
    """`store_peer_set` within a write transaction whose caller has checked who may store it."""
    if any(not r.get("organisation_key") for r in records):
        raise ValueError("every peer record needs an organisation_key")
    peer_set = PeerSetRow(name=name, source=source, is_demo=is_demo, questionnaire_id=questionnaire.id,
                          questionnaire_version=questionnaire.version, organisation_id=organisation_id)
    session.add(peer_set)
    session.flush()
    # scored once, here, with the rules of the own scores (a comparison reads these stored scores)
    unit_scores = scores.encode(scores.score_records(questionnaire, records))
    key = scores.scoring_key(questionnaire)
    if records:
        session.execute(insert(PeerRecordRow.__table__), [
            dict(peer_set_id=peer_set.id, org_type=r["org_type"], size_class=r["size_class"], year=int(r["year"]),
                 organisation_key=str(r["organisation_key"])[:80],
                 answers=json.dumps(r.get("answers") or {}, sort_keys=True),
                 scores=json.dumps(r["scores"], sort_keys=True) if r.get("scores") else None,
                 unit_scores=stored, scoring_key=key)
            for r, stored in zip(records, unit_scores)])
    if organisation_id is not None:
        log(session, actor, "peer_set_added", organisation_id, name=name, records=len(records))
    return peer_set.id


def _visible_sets(organisation_id: int):
    """The peer sets an organisation compares with: its own and those for everyone."""
    return (PeerSetRow.organisation_id == organisation_id) | PeerSetRow.organisation_id.is_(None)


def list_peer_sets(db: Database, *, actor: Actor, organisation_id: int) -> list[PeerSet]:
    """The peer sets this organisation compares with: its own and those for everyone."""
    with db.read() as session:
        require(session, actor, organisation_id, READ)
        rows = session.execute(
            select(PeerSetRow, func.count(PeerRecordRow.id))
            .outerjoin(PeerRecordRow, PeerRecordRow.peer_set_id == PeerSetRow.id)
            .where(_visible_sets(organisation_id))
            .group_by(PeerSetRow.id).order_by(PeerSetRow.id)).all()
        return [PeerSet(s.id, s.name, s.source, s.is_demo, f"{s.questionnaire_id}@{s.questionnaire_version}", count,
                        s.organisation_id is None) for s, count in rows]


def delete_peer_set(db: Database, *, actor: Actor, peer_set_id: int) -> None:
    with db.write() as session:
        row = session.get(PeerSetRow, peer_set_id) if isinstance(peer_set_id, int) else None
        if row is None:
            raise AccessDenied(MANAGE)
        _may_manage_set(session, actor, row.organisation_id)
        if row.organisation_id is not None:
            log(session, actor, "peer_set_removed", row.organisation_id, name=row.name)
        session.delete(row)


def load_demo_set(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire,
                  seed: int = 2026) -> int:
    """Load the fictitious demo set for this organisation (replacing its earlier one of the same questionnaire)."""
    from .demo import generate_demo_records

    for peer_set in list_peer_sets(db, actor=actor, organisation_id=organisation_id):
        if peer_set.is_demo and peer_set.questionnaire_key == questionnaire.key and not peer_set.for_everyone:
            delete_peer_set(db, actor=actor, peer_set_id=peer_set.id)
    return store_peer_set(db, actor=actor, organisation_id=organisation_id, name=DEMO_NAME, source="demo",
                          questionnaire=questionnaire, is_demo=True,
                          records=generate_demo_records(questionnaire, seed=seed))


@dataclass(frozen=True)
class _Peers:
    """Peer organisation-years as arrays, one row each: the scores (rows x units), whether each is demo data,
    the key of its organisation, and (when asked for) its size class and year."""
    scores: np.ndarray
    units: list[str]
    demo: np.ndarray
    organisations: np.ndarray  # an organisation of this database by its id, one of a peer set by its key
    sizes: np.ndarray | None = None
    years: np.ndarray | None = None
    # figures computed from these rows, by (minimum group, own scores): kept with the rows while they are current
    figures: dict = field(default_factory=dict, compare=False, repr=False)

    def freeze(self) -> _Peers:
        """Make the arrays read-only: the rows are shared by every comparison while they are kept."""
        for array in (self.scores, self.demo, self.organisations, self.sizes, self.years):
            if array is not None:
                array.flags.writeable = False
        return self


class _KeptPeers:
    """The peer rows of recent comparisons, each with the peer data stamp it was read at; at most `max_cells`
    scores in all (the least recently used go first). Shared by the sessions of one app process."""

    def __init__(self, max_cells: int = 4_000_000):
        self.max_cells = max_cells
        self._entries: OrderedDict[tuple, tuple[str, _Peers]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, stamp: str | None) -> _Peers | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or stamp is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, stamp: str, peers: _Peers) -> None:
        with self._lock:
            self._entries[key] = (stamp, peers.freeze())
            self._entries.move_to_end(key)
            cells = sum(p.scores.size for _, p in self._entries.values())
            while cells > self.max_cells and len(self._entries) > 1:
                _, (_, dropped) = self._entries.popitem(last=False)
                cells -= dropped.scores.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_kept = _KeptPeers()
_MAX_FIGURES = 16  # figure sets kept per set of rows (own scores change while a scan is filled in)


def forget_kept_peers() -> None:
    """Forget the peer rows kept in this process (the next comparisons read them again), as after a change."""
    _kept.clear()


def _peer_data_stamp(connection) -> str | None:
    """The stamp the database gives its peer data (migration 0012): another one after every change."""
    return connection.execute(select(DataVersionRow.stamp).where(DataVersionRow.name == "peers")).scalar()


def _peer_rows(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire,
               org_type: str, size_classes: tuple[str, ...], years: tuple[int, ...],
               with_group: bool = False) -> _Peers:
    """Every peer organisation-year of the organisation's comparison: the stored scores (`peers.scores`)
    of the shared final assessments and of the peer records, read with one query. A row whose stored scores
    are missing or were computed for another scoring key is scored now and stored, so the next comparison
    finds it. `with_group`: also each row's size class and year."""
    units = scores.unit_ids(questionnaire)
    key = scores.scoring_key(questionnaire)
    # per row: the stored scores, the organisation (an id here, a key in a peer set), whether demo data, and
    # the id of a row to score again (NULL when its stored scores are current: mostly NULL, which is cheap)
    shared = (
        select(AssessmentScoreRow.scores, OrganisationRow.id.label("organisation_id"),
               cast(null(), String).label("organisation_key"), cast(null(), Boolean).label("demo"),
               case((AssessmentScoreRow.scoring_key == key, null()), else_=AssessmentRow.id).label("assessment_id"),
               cast(null(), Integer).label("record_id"),
               *((OrganisationRow.size_class, AssessmentRow.year) if with_group else ()))
        .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
        .outerjoin(AssessmentScoreRow, AssessmentScoreRow.assessment_id == AssessmentRow.id)
        .where(OrganisationRow.share_anonymously.is_(True), AssessmentRow.status == "final",
               AssessmentRow.questionnaire_id == questionnaire.id,
               AssessmentRow.questionnaire_version == questionnaire.version,
               OrganisationRow.org_type == org_type,
               OrganisationRow.size_class.in_(size_classes),
               AssessmentRow.year.in_(years),
               OrganisationRow.id != organisation_id))  # never among its own peers
    records = (
        select(PeerRecordRow.unit_scores, cast(null(), Integer), PeerRecordRow.organisation_key, PeerSetRow.is_demo,
               cast(null(), String), case((PeerRecordRow.scoring_key == key, null()), else_=PeerRecordRow.id),
               *((PeerRecordRow.size_class, PeerRecordRow.year) if with_group else ()))
        .join(PeerSetRow, PeerSetRow.id == PeerRecordRow.peer_set_id)
        .where(_visible_sets(organisation_id), PeerSetRow.questionnaire_id == questionnaire.id,
               PeerSetRow.questionnaire_version == questionnaire.version,
               PeerRecordRow.org_type == org_type, PeerRecordRow.size_class.in_(size_classes),
               PeerRecordRow.year.in_(years)))
    kept_as = (db.url, organisation_id, questionnaire.id, questionnaire.version, key, org_type,
               tuple(sorted(size_classes)), tuple(sorted(years)), with_group)
    with db.read() as session:
        require(session, actor, organisation_id, READ)  # on every call, also when the rows are kept
        connection = session.connection()
        stamp = _peer_data_stamp(connection)
        kept = _kept.get(kept_as, stamp)
        if kept is not None:
            return kept
        # a Core query on the session's connection: plain rows, without the ORM's per-row work
        rows = connection.execute(union_all(shared, records)).all()
        # kept only when nothing changed while reading (on PostgreSQL each statement sees the latest commit)
        unchanged = stamp is not None and _peer_data_stamp(connection) == stamp
    columns = list(zip(*rows)) if rows else [()] * (8 if with_group else 6)
    stored, organisation_ids, organisation_keys, demo, stale_assessments, stale_records = columns[:6]
    keep = slice(None)
    stale_rows = stale_assessments.count(None) + stale_records.count(None) != 2 * len(rows)
    if stale_rows:
        stale = [i for i, (a, r) in enumerate(zip(stale_assessments, stale_records)) if a or r is not None]
        stored = list(stored)
        fresh = _score_stale(db, questionnaire, [stale_assessments[i] for i in stale if stale_assessments[i]],
                             [stale_records[i] for i in stale if stale_records[i] is not None])
        for i in stale:
            stored[i] = fresh.get((stale_assessments[i], stale_records[i]))
        if any(stored[i] is None for i in stale):  # gone in the meantime (its organisation was removed)
            keep = np.array([row is not None for row in stored], dtype=bool)
            stored = [row for row in stored if row is not None]
    # an organisation of this database by its id (a number), one of a peer set by its key (text): never equal
    organisations = np.array([i if i is not None else k for i, k in zip(organisation_ids, organisation_keys)],
                             dtype=object)
    found = _Peers(scores.decode(stored, len(units)), units, np.array(demo, dtype=bool)[keep], organisations[keep],
                   np.array(columns[6], dtype=object)[keep] if with_group else None,
                   np.array(columns[7], dtype=np.int64)[keep] if with_group else None)
    if unchanged and not stale_rows:  # rows scored just now changed the stamp: the next call reads them again
        _kept.put(kept_as, stamp, found)
    return found


def _score_stale(db: Database, questionnaire: Questionnaire, assessment_ids: list[str],
                 record_ids: list[int]) -> dict[tuple, bytes]:
    """Score and store the peers whose stored scores are missing or were computed for another scoring key;
    returns (assessment id, record id) -> stored scores. Their answers no longer change (final assessments,
    stored peer records), so whoever scores them stores the same scores."""
    with db.write() as session:
        fresh = {(i, None): row for i, row in scores.store_assessment_scores(
            session, questionnaire, assessment_ids).items()}
        fresh.update({(None, i): row for i, row in scores.store_record_scores(
            session, questionnaire, record_ids).items()})
    return fresh


def peer_scores(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire,
                group: PeerGroup) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Scores (dimensions, competencies, overall) of every peer of `organisation_id` in the group, one row per
    organisation-year, whether each is demo data, and the key of its organisation. Every peer's scores were
    computed once by the same batch scoring as everyone's and stored (`peers.scores`). The organisation
    itself is never among its peers."""
    found = _peer_rows(db, actor=actor, organisation_id=organisation_id, questionnaire=questionnaire,
                       org_type=group.org_type, size_classes=group.size_classes, years=group.years)
    return (pd.DataFrame(found.scores, columns=found.units, copy=True), pd.Series(found.demo, dtype=bool, copy=True),
            pd.Series(_keys(found.organisations), dtype=object))


def _keys(organisations: np.ndarray) -> np.ndarray:
    """The opaque key of each peer's organisation: "org-<id>" for an organisation of this database."""
    return np.array([f"org-{o}" if isinstance(o, int) else o for o in organisations], dtype=object)


def default_group(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire, org_type: str,
                  size_class: str, year: int, min_group: int = DEFAULT_MIN_GROUP) -> tuple[PeerGroup, tuple[str, ...]]:
    """The peer group a comparison starts with: the own size class in the own year when that group is big
    enough; otherwise widened step by step (three years, then all sizes, then all sizes over three and five
    years) until it reaches the minimum. Returns the group and what was widened ("years3", "sizes",
    "years5"); when no group is big enough, the first one and nothing widened."""
    all_sizes = size_classes_for(org_type)
    own_sizes = (size_class,) if size_class in all_sizes else tuple(all_sizes)
    steps = [(own_sizes, 1, ()), (own_sizes, 3, ("years3",)), (tuple(all_sizes), 1, ("sizes",)),
             (tuple(all_sizes), 3, ("sizes", "years3")), (tuple(all_sizes), 5, ("sizes", "years5"))]
    widest = _peer_rows(db, actor=actor, organisation_id=organisation_id, questionnaire=questionnaire,
                        org_type=org_type, size_classes=tuple(all_sizes), years=tuple(range(year - 4, year + 1)),
                        with_group=True)
    overall = widest.scores[:, widest.units.index("overall")]
    for sizes, span, widened in steps:
        years = tuple(range(year - span + 1, year + 1))
        part = np.isin(widest.sizes, sizes) & np.isin(widest.years, years)
        figure = peer_figures(pd.DataFrame({"overall": overall[part]}), {}, min_group,
                              organisations=widest.organisations[part])
        if not figure["overall"].suppressed:
            return PeerGroup(org_type, sizes, years, min_group), widened
    return PeerGroup(org_type, own_sizes, (year,), min_group), ()


def compare_with_peers(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire,
                       own_scores: dict[str, float | None], group: PeerGroup,
                       earlier_versions: Sequence[Questionnaire] = ()) -> PeerComparison:
    """Peer figures per dimension, competency and overall of `organisation_id`, for the page and the export.

    `earlier_versions`: earlier versions of the questionnaire (those it maps from). Their peers count too, but
    only for the units that mean the same in both versions (`scoring.comparison.comparable_units`)."""
    found = _peer_rows(db, actor=actor, organisation_id=organisation_id, questionnaire=questionnaire,
                       org_type=group.org_type, size_classes=group.size_classes, years=group.years)
    older = [(earlier, _peer_rows(db, actor=actor, organisation_id=organisation_id, questionnaire=earlier,
                                  org_type=group.org_type, size_classes=group.size_classes, years=group.years))
             for earlier in earlier_versions if earlier.id == questionnaire.id and earlier.version != questionnaire.version]
    older = [(earlier, rows) for earlier, rows in older if len(rows.scores)]
    if older:
        return _compare_across_versions(questionnaire, found, older, own_scores, group)
    asked = (group.min_group, tuple(sorted(own_scores.items())))
    computed = found.figures.get(asked)
    if computed is None:
        computed = (peer_figures(pd.DataFrame(found.scores, columns=found.units), own_scores, group.min_group,
                                 organisations=found.organisations), len(pd.unique(found.organisations)))
        if len(found.figures) >= _MAX_FIGURES:
            found.figures.clear()
        found.figures[asked] = computed
    figures, n_organisations = computed
    return PeerComparison(group, len(found.scores), int(found.demo.sum()), dict(figures),
                          n_organisations=n_organisations)


def _compare_across_versions(questionnaire: Questionnaire, found: _Peers, older: list, own_scores: dict,
                             group: PeerGroup) -> PeerComparison:
    """The figures over the peers of this version and of earlier ones, each earlier row only on the units that
    mean the same in its version (elsewhere it has no score, so it does not count there)."""
    frames = [pd.DataFrame(found.scores, columns=found.units)]
    demo, organisations = [found.demo], [found.organisations]
    not_compared: set[str] = set()
    for earlier, rows in older:
        same = comparable_units(earlier, questionnaire)
        frame = pd.DataFrame(rows.scores, columns=rows.units).reindex(columns=found.units)
        for unit in found.units:
            if unit not in same:
                frame[unit] = np.nan
                not_compared.add(unit)
        frames.append(frame)
        demo.append(rows.demo)
        organisations.append(rows.organisations)
    scores_frame = pd.concat(frames, ignore_index=True)
    all_organisations = np.concatenate(organisations)
    figures = peer_figures(scores_frame, own_scores, group.min_group, organisations=all_organisations)
    order = {unit: i for i, unit in enumerate(found.units)}
    return PeerComparison(group, len(scores_frame), int(np.concatenate(demo).sum()), dict(figures),
                          n_organisations=len(pd.unique(all_organisations)),
                          not_compared=tuple(sorted(not_compared, key=order.get)),
                          earlier_versions=tuple(earlier.version for earlier, _ in older))


@dataclass(frozen=True)
class LegalShare:
    """How many peer organisations meet one legal requirement: of the distinct organisations in the group that
    answered it (their latest scan in the group's years), the share that answered "ja". No share below the
    group's minimum of distinct organisations."""

    item_id: str
    organisations: int
    share_met: float | None


def legal_shares(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire,
                 group: PeerGroup) -> dict[str, LegalShare]:
    """Per legal requirement of `questionnaire`: the share of peer organisations that meet it, from the final
    scans of organisations that share anonymously (never the own one; peer files and the demo set have no
    legal answers). A requirement with the same id means the same in every version of the questionnaire."""
    items = [item.id for item in questionnaire.legal_items()]
    with db.read() as session:
        require(session, actor, organisation_id, READ)
        if not items:
            return {}
        rows = session.execute(
            select(AssessmentRow.organisation_id, AssessmentRow.year, AssessmentRow.period, AnswerRow.question_id,
                   AnswerRow.non_score)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .join(AnswerRow, AnswerRow.assessment_id == AssessmentRow.id)
            .where(OrganisationRow.share_anonymously.is_(True), AssessmentRow.status == "final",
                   AssessmentRow.questionnaire_id == questionnaire.id,
                   OrganisationRow.org_type == group.org_type, OrganisationRow.size_class.in_(group.size_classes),
                   AssessmentRow.year.in_(group.years), OrganisationRow.id != organisation_id,
                   AnswerRow.question_id.in_([legal_key(i) for i in items]), AnswerRow.non_score.is_not(None))
        ).all()
    latest: dict[tuple[int, str], tuple[tuple[int, str], str]] = {}  # (organisation, item) -> (when, answer)
    for organisation, year, period, key, value in rows:
        when = (year, period)
        item = key[len(LEGAL_PREFIX):]
        if (organisation, item) not in latest or latest[(organisation, item)][0] < when:
            latest[(organisation, item)] = (when, value)
    shares = {}
    for item in items:
        answers = [value for (organisation, item_id), (_, value) in latest.items() if item_id == item]
        n = len(answers)
        shares[item] = LegalShare(item, n, None if n < group.min_group else sum(v == YES for v in answers) / n)
    return shares


@dataclass(frozen=True)
class ImportedFile:
    """A benchmark file stored as a peer set, and how it was read (for the page to say)."""

    peer_set_id: int
    records: int
    encoding: str  # "" for a workbook
    separator: str


def import_benchmark_file(db: Database, *, actor: Actor, organisation_id: int, filename: str, data: bytes,
                          lookup) -> ImportedFile:
    """Check a benchmark file (CSV or XLSX) completely, then store it as one peer set of the organisation; a
    file with any problem raises `BenchmarkFileError` and stores nothing."""
    from exports.benchmark_file import BenchmarkFileError, read_benchmark_file

    with db.read() as session:  # before reading the file: no work for someone who may not store it
        require(session, actor, organisation_id, MANAGE)
    benchmark = read_benchmark_file(filename, data, lookup)
    with db.write() as session:  # checked and stored in one transaction
        require(session, actor, organisation_id, MANAGE)
        # two imports into one organisation at once: on PostgreSQL the second waits here for the first, then sees
        # its rows (SQLite's write transactions take turns anyway)
        session.scalar(select(OrganisationRow.id).where(OrganisationRow.id == organisation_id).with_for_update())
        already = _already_stored(session, organisation_id, benchmark)
        if already:
            raise BenchmarkFileError(already)
        set_id = _add_peer_set(session, actor, organisation_id, filename[:200], "import", benchmark.questionnaire,
                               benchmark.records, False)
    return ImportedFile(set_id, len(benchmark.records), benchmark.encoding, benchmark.separator)


def _already_stored(session, organisation_id: int, benchmark) -> list:
    """A problem for every row of the file whose organisation-year is already in peer data this organisation
    compares with (of the same questionnaire): stored twice, it would count twice in every figure (a new
    year's file that repeats the years before, or the same file again)."""
    from exports.problems import FileProblem

    stored: dict[tuple[str, int], str] = {}
    for key, year, name in session.execute(
            select(PeerRecordRow.organisation_key, PeerRecordRow.year, PeerSetRow.name)
            .join(PeerSetRow, PeerRecordRow.peer_set_id == PeerSetRow.id)
            .where(_visible_sets(organisation_id), PeerSetRow.questionnaire_id == benchmark.questionnaire.id)
            .order_by(PeerSetRow.id)):
        stored.setdefault((key, year), name)
    problems = []
    for record, (row, organisation) in zip(benchmark.records, benchmark.places):
        name = stored.get((record["organisation_key"], record["year"]))
        if name is not None:
            problems.append(FileProblem("already_stored", row, benchmark.organisation_column,
                                        {"organisation": organisation, "year": record["year"], "set": name}))
    return problems
