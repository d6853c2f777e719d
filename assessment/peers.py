"""Peer groups and peer data: who is compared with whom, and where the peer answers come from.

Sources, combined: final assessments of organisations that opted in to share anonymously (never the
organisation itself), and stored peer sets (an imported benchmark file, or the fictitious demo set).
Peers are scored with `scoring.batch.score_batch`, so with the same rules as the own scores.

Every peer row carries an opaque key of its organisation, so that the anonymity minimum counts distinct
organisations, not organisation-years: "org-<id>" for an organisation in this database, the key a benchmark
file's reader made from its `organisation` label (a hash, never the label), "demo-<n>" for the demo set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from questionnaires.model import Questionnaire
from scoring.batch import encode_answers, score_batch
from scoring.peers import DEFAULT_MIN_GROUP, PeerFigure, peer_figures

from access.service import MANAGE, READ, AccessDenied, Actor, log, require, require_admin

from . import service
from .db import Database
from .models import AnswerRow, AssessmentRow, OrganisationRow, PeerRecordRow, PeerSetRow

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
    if any(not r.get("organisation_key") for r in records):
        raise ValueError("every peer record needs an organisation_key")
    with db.write() as session:
        _may_manage_set(session, actor, organisation_id)
        peer_set = PeerSetRow(name=name, source=source, is_demo=is_demo, questionnaire_id=questionnaire.id,
                              questionnaire_version=questionnaire.version, organisation_id=organisation_id)
        session.add(peer_set)
        session.flush()
        session.add_all(PeerRecordRow(peer_set_id=peer_set.id, org_type=r["org_type"], size_class=r["size_class"],
                                      year=int(r["year"]), organisation_key=str(r["organisation_key"])[:80],
                                      answers=json.dumps(r.get("answers") or {}, sort_keys=True),
                                      scores=json.dumps(r["scores"], sort_keys=True) if r.get("scores") else None)
                        for r in records)
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


def _peer_rows(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire,
               org_type: str, size_classes: tuple[str, ...], years: tuple[int, ...]) -> pd.DataFrame:
    """Every peer organisation-year of the organisation's comparison in one frame: the scores (dimensions,
    competencies, overall), and per row `_demo`, `_organisation` (its key), `_size` and `_year`."""
    rows, scored, meta_answers, meta_scores = [], [], [], []
    with db.read() as session:
        require(session, actor, organisation_id, READ)
        shared = session.execute(
            select(AssessmentRow.id, OrganisationRow.id, OrganisationRow.size_class, AssessmentRow.year)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .where(OrganisationRow.share_anonymously.is_(True), AssessmentRow.status == "final",
                   AssessmentRow.questionnaire_id == questionnaire.id,
                   AssessmentRow.questionnaire_version == questionnaire.version,
                   OrganisationRow.org_type == org_type,
                   OrganisationRow.size_class.in_(size_classes),
                   AssessmentRow.year.in_(years),
                   OrganisationRow.id != organisation_id)).all()  # never among its own peers
        for assessment_id, peer_id, size_class, year in shared:
            answers = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id)).all()
            rows.append({a.question_id: a.level if a.level is not None else a.non_score for a in answers})
            meta_answers.append((False, f"org-{peer_id}", size_class, year))
        records = session.execute(
            select(PeerRecordRow.answers, PeerRecordRow.scores, PeerSetRow.is_demo, PeerRecordRow.organisation_key,
                   PeerRecordRow.size_class, PeerRecordRow.year)
            .join(PeerSetRow, PeerSetRow.id == PeerRecordRow.peer_set_id)
            .where(_visible_sets(organisation_id), PeerSetRow.questionnaire_id == questionnaire.id,
                   PeerSetRow.questionnaire_version == questionnaire.version,
                   PeerRecordRow.org_type == org_type, PeerRecordRow.size_class.in_(size_classes),
                   PeerRecordRow.year.in_(years))).all()
        for answers_json, scores_json, is_demo, organisation_key, size_class, year in records:
            if scores_json:
                scored.append(json.loads(scores_json))
                meta_scores.append((bool(is_demo), organisation_key, size_class, year))
            else:
                rows.append(json.loads(answers_json))
                meta_answers.append((bool(is_demo), organisation_key, size_class, year))
    units = [d.id for d in questionnaire.dimensions()] + [c.id for c in questionnaire.competencies] + ["overall"]
    frames = []
    if rows:
        answers = pd.DataFrame(rows, columns=[q.id for q in questionnaire.questions()], dtype=object)
        frames.append(score_batch(questionnaire, encode_answers(answers.where(answers.notna(), np.nan)))["score"])
    if scored:
        frames.append(_from_dimension_scores(questionnaire, pd.DataFrame(scored, dtype=float)))
    frame = pd.concat(frames, ignore_index=True)[units] if frames else pd.DataFrame(columns=units, dtype=float)
    meta = pd.DataFrame(meta_answers + meta_scores, columns=["_demo", "_organisation", "_size", "_year"])
    return pd.concat([frame, meta.astype({"_demo": bool})], axis=1)


def peer_scores(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire,
                group: PeerGroup) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Scores (dimensions, competencies, overall) of every peer of `organisation_id` in the group, one row per
    organisation-year, whether each is demo data, and the key of its organisation. Peers with answers are
    scored by the same batch scoring as everyone. The organisation itself is never among its peers."""
    frame = _peer_rows(db, actor=actor, organisation_id=organisation_id, questionnaire=questionnaire,
                       org_type=group.org_type, size_classes=group.size_classes, years=group.years)
    units = [c for c in frame.columns if not c.startswith("_")]
    return (frame[units].reset_index(drop=True), frame["_demo"].reset_index(drop=True),
            frame["_organisation"].astype(object).reset_index(drop=True))


def default_group(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire, org_type: str,
                  size_class: str, year: int, min_group: int = DEFAULT_MIN_GROUP) -> tuple[PeerGroup, tuple[str, ...]]:
    """The peer group a comparison starts with: the own size class in the own year when that group is big
    enough; otherwise widened step by step (three years, then all sizes, then all sizes over three and five
    years) until it reaches the minimum. Returns the group and what was widened ("years3", "sizes",
    "years5"); when no group is big enough, the first one and nothing widened."""
    all_sizes = service.size_classes_for(org_type)
    own_sizes = (size_class,) if size_class in all_sizes else tuple(all_sizes)
    steps = [(own_sizes, 1, ()), (own_sizes, 3, ("years3",)), (tuple(all_sizes), 1, ("sizes",)),
             (tuple(all_sizes), 3, ("sizes", "years3")), (tuple(all_sizes), 5, ("sizes", "years5"))]
    widest = _peer_rows(db, actor=actor, organisation_id=organisation_id, questionnaire=questionnaire,
                        org_type=org_type, size_classes=tuple(all_sizes), years=tuple(range(year - 4, year + 1)))
    for sizes, span, widened in steps:
        years = tuple(range(year - span + 1, year + 1))
        part = widest[widest["_size"].isin(sizes) & widest["_year"].isin(years)]
        figure = peer_figures(part[["overall"]], {}, min_group, organisations=part["_organisation"].to_numpy())
        if not figure["overall"].suppressed:
            return PeerGroup(org_type, sizes, years, min_group), widened
    return PeerGroup(org_type, own_sizes, (year,), min_group), ()


def _from_dimension_scores(questionnaire: Questionnaire, dimensions: pd.DataFrame) -> pd.DataFrame:
    """Competency and overall scores from given dimension scores, by the same means as for answers."""
    frame = dimensions.reindex(columns=[d.id for d in questionnaire.dimensions()]).copy()
    for competency in questionnaire.competencies:
        frame[competency.id] = frame[[d.id for d in competency.dimensions]].mean(axis=1, skipna=True)
    frame["overall"] = frame[[c.id for c in questionnaire.competencies]].mean(axis=1, skipna=True)
    return frame


def compare_with_peers(db: Database, *, actor: Actor, organisation_id: int, questionnaire: Questionnaire,
                       own_scores: dict[str, float | None], group: PeerGroup) -> PeerComparison:
    """Peer figures per dimension, competency and overall of `organisation_id`, for the page and the export."""
    scores, demo, organisations = peer_scores(db, actor=actor, organisation_id=organisation_id,
                                              questionnaire=questionnaire, group=group)
    figures = peer_figures(scores, own_scores, group.min_group, organisations=organisations.to_numpy())
    return PeerComparison(group, len(scores), int(demo.sum()), figures, n_organisations=int(organisations.nunique()))


def import_benchmark_file(db: Database, *, actor: Actor, organisation_id: int, filename: str, data: bytes,
                          lookup) -> int:
    """Check a benchmark file (CSV or XLSX) completely, then store it as one peer set of the organisation; a
    file with any problem raises `BenchmarkFileError` and stores nothing."""
    from exports.benchmark_file import read_benchmark_file

    with db.read() as session:  # before reading the file: no work for someone who may not store it
        require(session, actor, organisation_id, MANAGE)
    benchmark = read_benchmark_file(filename, data, lookup)
    return store_peer_set(db, actor=actor, organisation_id=organisation_id, name=filename[:200], source="import",
                          questionnaire=benchmark.questionnaire, records=benchmark.records)
