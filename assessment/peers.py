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


@dataclass(frozen=True)
class PeerComparison:
    group: PeerGroup
    n_peers: int  # organisation-years
    n_demo: int  # how many of them are fictitious demo data
    figures: dict[str, PeerFigure]
    n_organisations: int = 0  # distinct organisations among them


def set_sharing(db: Database, *, organisation_id: int, share: bool) -> None:
    with db.write() as session:
        row = session.get(OrganisationRow, organisation_id)
        if row is None:
            raise service.NotFound(f"organisation {organisation_id}")
        row.share_anonymously = bool(share)


def is_sharing(db: Database, *, organisation_id: int) -> bool:
    with db.read() as session:
        return bool(session.scalar(select(OrganisationRow.share_anonymously)
                                   .where(OrganisationRow.id == organisation_id)))


def store_peer_set(db: Database, *, name: str, source: str, questionnaire: Questionnaire,
                   records: list[dict], is_demo: bool = False) -> int:
    """Store a checked set of peer records (organisation_key, org_type, size_class, year, answers or scores) in
    one transaction. Every record needs the key of its organisation: the anonymity minimum counts them."""
    if any(not r.get("organisation_key") for r in records):
        raise ValueError("every peer record needs an organisation_key")
    with db.write() as session:
        peer_set = PeerSetRow(name=name, source=source, is_demo=is_demo, questionnaire_id=questionnaire.id,
                              questionnaire_version=questionnaire.version)
        session.add(peer_set)
        session.flush()
        session.add_all(PeerRecordRow(peer_set_id=peer_set.id, org_type=r["org_type"], size_class=r["size_class"],
                                      year=int(r["year"]), organisation_key=str(r["organisation_key"])[:80],
                                      answers=json.dumps(r.get("answers") or {}, sort_keys=True),
                                      scores=json.dumps(r["scores"], sort_keys=True) if r.get("scores") else None)
                        for r in records)
        return peer_set.id


def list_peer_sets(db: Database) -> list[PeerSet]:
    with db.read() as session:
        rows = session.execute(
            select(PeerSetRow, func.count(PeerRecordRow.id))
            .outerjoin(PeerRecordRow, PeerRecordRow.peer_set_id == PeerSetRow.id)
            .group_by(PeerSetRow.id).order_by(PeerSetRow.id)).all()
        return [PeerSet(s.id, s.name, s.source, s.is_demo, f"{s.questionnaire_id}@{s.questionnaire_version}", count)
                for s, count in rows]


def delete_peer_set(db: Database, *, peer_set_id: int) -> None:
    with db.write() as session:
        row = session.get(PeerSetRow, peer_set_id)
        if row is None:
            raise service.NotFound(f"peer set {peer_set_id}")
        session.delete(row)


def load_demo_set(db: Database, *, questionnaire: Questionnaire, seed: int = 2026) -> int:
    """Load the fictitious demo set (replacing an earlier one of the same questionnaire)."""
    from .demo import generate_demo_records

    for peer_set in list_peer_sets(db):
        if peer_set.is_demo and peer_set.questionnaire_key == questionnaire.key:
            delete_peer_set(db, peer_set_id=peer_set.id)
    return store_peer_set(db, name=DEMO_NAME, source="demo", questionnaire=questionnaire, is_demo=True,
                          records=generate_demo_records(questionnaire, seed=seed))


def peer_scores(db: Database, *, questionnaire: Questionnaire, group: PeerGroup,
                exclude_organisation_id: int | None) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Scores (dimensions, competencies, overall) of every peer in the group, one row per organisation-year,
    whether each is demo data, and the key of its organisation. Peers with answers are scored by the same
    batch scoring as everyone."""
    answer_rows, score_rows, answer_demo, score_demo, answer_orgs, score_orgs = [], [], [], [], [], []
    with db.read() as session:
        shared = session.execute(
            select(AssessmentRow.id, OrganisationRow.id)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .where(OrganisationRow.share_anonymously.is_(True), AssessmentRow.status == "final",
                   AssessmentRow.questionnaire_id == questionnaire.id,
                   AssessmentRow.questionnaire_version == questionnaire.version,
                   OrganisationRow.org_type == group.org_type,
                   OrganisationRow.size_class.in_(group.size_classes),
                   AssessmentRow.year.in_(group.years))).all()
        for assessment_id, organisation_id in shared:
            if organisation_id == exclude_organisation_id:
                continue  # never among its own peers
            answers = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == assessment_id)).all()
            answer_rows.append({a.question_id: a.level if a.level is not None else a.non_score for a in answers})
            answer_demo.append(False)
            answer_orgs.append(f"org-{organisation_id}")
        records = session.execute(
            select(PeerRecordRow.answers, PeerRecordRow.scores, PeerSetRow.is_demo, PeerRecordRow.organisation_key)
            .join(PeerSetRow, PeerSetRow.id == PeerRecordRow.peer_set_id)
            .where(PeerSetRow.questionnaire_id == questionnaire.id,
                   PeerSetRow.questionnaire_version == questionnaire.version,
                   PeerRecordRow.org_type == group.org_type, PeerRecordRow.size_class.in_(group.size_classes),
                   PeerRecordRow.year.in_(group.years))).all()
        for answers_json, scores_json, is_demo, organisation_key in records:
            if scores_json:
                score_rows.append(json.loads(scores_json))
                score_demo.append(bool(is_demo))
                score_orgs.append(organisation_key)
            else:
                answer_rows.append(json.loads(answers_json))
                answer_demo.append(bool(is_demo))
                answer_orgs.append(organisation_key)
    units = [d.id for d in questionnaire.dimensions()] + [c.id for c in questionnaire.competencies] + ["overall"]
    frames = []
    if answer_rows:
        answers = pd.DataFrame(answer_rows, columns=[q.id for q in questionnaire.questions()], dtype=object)
        frames.append(score_batch(questionnaire, encode_answers(answers.where(answers.notna(), np.nan)))["score"])
    if score_rows:
        frames.append(_from_dimension_scores(questionnaire, pd.DataFrame(score_rows, dtype=float)))
    scores = pd.concat(frames, ignore_index=True)[units] if frames else pd.DataFrame(columns=units, dtype=float)
    return scores, pd.Series(answer_demo + score_demo, dtype=bool), pd.Series(answer_orgs + score_orgs, dtype=object)


def _from_dimension_scores(questionnaire: Questionnaire, dimensions: pd.DataFrame) -> pd.DataFrame:
    """Competency and overall scores from given dimension scores, by the same means as for answers."""
    frame = dimensions.reindex(columns=[d.id for d in questionnaire.dimensions()]).copy()
    for competency in questionnaire.competencies:
        frame[competency.id] = frame[[d.id for d in competency.dimensions]].mean(axis=1, skipna=True)
    frame["overall"] = frame[[c.id for c in questionnaire.competencies]].mean(axis=1, skipna=True)
    return frame


def compare_with_peers(db: Database, *, questionnaire: Questionnaire, own_scores: dict[str, float | None],
                       group: PeerGroup, exclude_organisation_id: int | None) -> PeerComparison:
    """Peer figures per dimension, competency and overall, for the page and the export."""
    scores, demo, organisations = peer_scores(db, questionnaire=questionnaire, group=group,
                                              exclude_organisation_id=exclude_organisation_id)
    figures = peer_figures(scores, own_scores, group.min_group, organisations=organisations.to_numpy())
    return PeerComparison(group, len(scores), int(demo.sum()), figures, n_organisations=int(organisations.nunique()))


def import_benchmark_file(db: Database, *, filename: str, data: bytes, lookup) -> int:
    """Check a benchmark file (CSV or XLSX) completely, then store it as one peer set; a file with any
    problem raises `BenchmarkFileError` and stores nothing."""
    from exports.benchmark_file import read_benchmark_file

    benchmark = read_benchmark_file(filename, data, lookup)
    return store_peer_set(db, name=filename[:200], source="import", questionnaire=benchmark.questionnaire,
                          records=benchmark.records)
