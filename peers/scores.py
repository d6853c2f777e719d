"""Stored scores for peer comparisons: every final assessment and every peer record is scored once.

A peer comparison needs the scores (dimensions, competencies, overall) of thousands of organisation-years.
Scoring all their answers again on every look would take seconds, so the scores are stored:

- a final assessment's scores in `assessment_scores`, written in the same transaction that finalises it
  (`service.finalise_assessment`). A final assessment's answers never change: every change of an answer,
  target or plan goes through `assessment.service.lock_draft`, which refuses a final assessment, and only drafts can be
  deleted. A peer comparison only reads rows of assessments that are final *now*;
- a peer record's scores (an imported benchmark file, the demo set) in `peer_records.unit_scores`, written
  when its set is stored (`peers.store_peer_set`).

Every stored row carries the **scoring key** of the questionnaire it was scored with: a hash of the
questionnaire's id and version, its stage rule and coverage threshold, which question belongs to which
dimension with which weight and which dimension to which competency, and `SCORING_VERSION` (raise it when
the rules in `scoring/` change). A comparison uses a stored row only when its key is the key of the
questionnaire at hand; any other row (an assessment finalised without its questionnaire at hand, a database
upgraded where the questionnaire file was not found, a questionnaire file changed in place) is scored again,
stored, and used (`refresh`). So the stored scores are always the scores `scoring.batch.score_batch`
computes from the stored answers, whichever process wrote them.

Scores are stored as 8-byte floats (little-endian IEEE 754, NaN for no score) in the order of `unit_ids`
(dimensions, competencies, "overall"); the order is part of what the scoring key covers. A stored score is
exactly the computed one, and 20,000 rows of them are one `numpy.frombuffer` (reading them from JSON text
took longer than the whole rest of a comparison).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, select, update

from questionnaires.model import Questionnaire
from scoring.batch import CODE_DONT_KNOW, CODE_NOT_APPLICABLE, OVERALL, encode_value, score_batch
from scoring.engine import DONT_KNOW, NOT_APPLICABLE

from storage.models import AnswerRow, AssessmentRow, AssessmentScoreRow, PeerRecordRow, utcnow

SCORING_VERSION = 1
_CHUNK = 500  # ids per IN (...) list


AREA_PREFIX = "area:"


def area_units(questionnaire: Questionnaire) -> dict[str, list]:
    """The areas of the questionnaire's area view (e.g. the Gouden Oor organisation areas) as units "area:<id>",
    each with its questions; empty without an area view."""
    if questionnaire.area_view is None:
        return {}
    framework_id = questionnaire.area_view.framework
    framework = next(fw for fw in questionnaire.frameworks if fw.id == framework_id)
    units = {}
    for item in framework.items:
        questions = [q for q in questionnaire.questions() if item.id in q.tag_of(framework_id)]
        if questions:
            units[AREA_PREFIX + item.id] = questions
    return units


def unit_ids(questionnaire: Questionnaire) -> list[str]:
    """The units a peer comparison shows, in the order scores are stored: dimensions, competencies, overall, and
    the areas of the area view when the questionnaire has one."""
    return [d.id for d in questionnaire.dimensions()] + [c.id for c in questionnaire.competencies] + [OVERALL] + list(
        area_units(questionnaire))


def scoring_key(questionnaire: Questionnaire) -> str:
    """What the scores depend on, as a short hash (see the module docstring)."""
    structure = [SCORING_VERSION, questionnaire.id, questionnaire.version, questionnaire.scoring.stage_rule,
                 repr(questionnaire.scoring.min_coverage),
                 [[c.id, [[d.id, [[q.id, repr(q.weight)] for q in d.questions]] for d in c.dimensions]]
                  for c in questionnaire.competencies]]
    areas = area_units(questionnaire)
    if areas:  # only then: the stored scores of a questionnaire without an area view keep their key
        structure.append([[unit, [q.id for q in questions]] for unit, questions in areas.items()])
    return hashlib.blake2b(json.dumps(structure).encode(), digest_size=16).hexdigest()


# --- computing --------------------------------------------------------------------------------------------

def _score_codes(questionnaire: Questionnaire, codes: np.ndarray) -> np.ndarray:
    """Scores per unit (rows x units) of a code matrix (rows x questions, the codes of `scoring.batch`)."""
    frame = pd.DataFrame(codes, columns=[q.id for q in questionnaire.questions()], copy=False)
    scores = score_batch(questionnaire, frame)["score"]
    base = scores[[u for u in unit_ids(questionnaire) if not u.startswith(AREA_PREFIX)]].to_numpy(dtype=float)
    areas = area_units(questionnaire)
    if not areas:
        return base
    column = {q.id: i for i, q in enumerate(questionnaire.questions())}
    return np.hstack([base] + [_area_scores(codes[:, [column[q.id] for q in questions]],
                                            np.array([q.weight for q in questions]),
                                            questionnaire.scoring.min_coverage)[:, None]
                               for questions in areas.values()])


def _area_scores(codes: np.ndarray, weights: np.ndarray, threshold: float) -> np.ndarray:
    """The score of one area per row, by the rules of a dimension (`scoring.engine`): the weighted mean of the
    levels, when the levels cover at least `threshold` of the applicable questions (n.v.t. is not applicable;
    weet niet and open are)."""
    levels = np.where(codes >= 1, codes, np.nan)
    scored = ~np.isnan(levels)
    applicable = codes.shape[1] - np.count_nonzero(codes == CODE_NOT_APPLICABLE, axis=1)
    n_scored = scored.sum(axis=1)
    weight = (scored * weights).sum(axis=1)
    total = np.nansum(levels * weights, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = total / weight
        covered = n_scored / applicable + 1e-9 >= threshold
    return np.where((applicable > 0) & (n_scored > 0) & covered, score, np.nan)


def score_answer_dicts(questionnaire: Questionnaire, rows: Sequence[dict]) -> np.ndarray:
    """Scores of answers given as dicts (question id -> 1-5, "nvt", "weetniet"); ids that are not questions
    of the questionnaire are left out, as a peer comparison always did."""
    column = {q.id: i for i, q in enumerate(questionnaire.questions())}
    codes = np.full((len(rows), len(column)), np.nan)
    for r, answers in enumerate(rows):
        for question_id, value in answers.items():
            c = column.get(question_id)
            if c is not None:
                codes[r, c] = encode_value(value)
    return _score_codes(questionnaire, codes)


def score_answer_rows(questionnaire: Questionnaire, keys: Sequence,
                      answers: Iterable[tuple]) -> np.ndarray:
    """Scores of stored answers: `answers` holds (key, question id, level, non-score) rows, `keys` the order
    of the result's rows (a key without answers has none of its questions answered)."""
    row_of = {key: r for r, key in enumerate(keys)}
    column = {q.id: i for i, q in enumerate(questionnaire.questions())}
    codes = np.full((len(row_of), len(column)), np.nan)
    non_score = {NOT_APPLICABLE: CODE_NOT_APPLICABLE, DONT_KNOW: CODE_DONT_KNOW}
    for key, question_id, level, other in answers:
        c = column.get(question_id)
        if c is not None:
            codes[row_of[key], c] = float(level) if level is not None else non_score.get(other, np.nan)
    return _score_codes(questionnaire, codes)


def score_dimension_dicts(questionnaire: Questionnaire, rows: Sequence[dict]) -> np.ndarray:
    """Scores of peers known only by their dimension scores (a benchmark file): a competency is the mean of
    its dimensions that have a score, the overall the mean of the competencies that have one."""
    frame = pd.DataFrame(list(rows), dtype=float).reindex(
        index=range(len(rows)), columns=[d.id for d in questionnaire.dimensions()])
    for competency in questionnaire.competencies:
        frame[competency.id] = frame[[d.id for d in competency.dimensions]].mean(axis=1, skipna=True)
    frame[OVERALL] = frame[[c.id for c in questionnaire.competencies]].mean(axis=1, skipna=True)
    return frame.reindex(columns=unit_ids(questionnaire)).to_numpy(dtype=float)  # no area without answers


def score_records(questionnaire: Questionnaire, records: Sequence[dict]) -> np.ndarray:
    """Scores of peer records: each has `answers`, or (a benchmark file of dimension scores) `scores`."""
    result = np.full((len(records), len(unit_ids(questionnaire))), np.nan)
    by_scores = [i for i, r in enumerate(records) if r.get("scores")]
    by_answers = [i for i, r in enumerate(records) if not r.get("scores")]
    if by_scores:
        result[by_scores] = score_dimension_dicts(questionnaire, [records[i]["scores"] for i in by_scores])
    if by_answers:
        result[by_answers] = score_answer_dicts(questionnaire, [records[i].get("answers") or {} for i in by_answers])
    return result


def encode(scores: np.ndarray) -> list[bytes]:
    """Each row as the bytes that are stored: 8-byte little-endian floats, NaN for no score."""
    matrix = np.ascontiguousarray(scores, dtype="<f8")
    return [row.tobytes() for row in matrix]


def decode(stored: Sequence[bytes], n_units: int) -> np.ndarray:
    """Stored rows back to a float matrix (rows x units, NaN for no score), in one step."""
    joined = b"".join(stored)
    if len(joined) != 8 * n_units * len(stored):
        raise ValueError("stored scores do not fit the questionnaire's units")
    return np.frombuffer(joined, dtype="<f8").reshape(len(stored), n_units).astype(float)


# --- storing ----------------------------------------------------------------------------------------------

def _dialect(connection):
    return connection.dialect if hasattr(connection, "dialect") else connection.get_bind().dialect


def _upsert_statement(connection):
    if _dialect(connection).name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    table = AssessmentScoreRow.__table__
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=["assessment_id"],
        set_={c: statement.excluded[c] for c in ("questionnaire_id", "questionnaire_version", "scoring_key",
                                                 "scores", "scored_at")})


def store_assessment_scores(connection, questionnaire: Questionnaire,
                            assessment_ids: Sequence[str]) -> dict[str, bytes]:
    """Inside a write transaction (a session or a connection): score these assessments of `questionnaire` from
    their stored answers and store the scores, replacing what was stored. Returns id -> stored bytes."""
    wanted = list(dict.fromkeys(assessment_ids))
    ids = []
    for start in range(0, len(wanted), _CHUNK):  # only those that are still there
        ids += connection.execute(select(AssessmentRow.id).where(
            AssessmentRow.id.in_(wanted[start:start + _CHUNK]))).scalars().all()
    if not ids:
        return {}
    answers = []
    for start in range(0, len(ids), _CHUNK):
        answers += connection.execute(
            select(AnswerRow.assessment_id, AnswerRow.question_id, AnswerRow.level, AnswerRow.non_score)
            .where(AnswerRow.assessment_id.in_(ids[start:start + _CHUNK]))).all()
    rows = encode(score_answer_rows(questionnaire, ids, answers))
    key, now = scoring_key(questionnaire), utcnow()
    connection.execute(_upsert_statement(connection), [
        dict(assessment_id=i, questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
             scoring_key=key, scores=row, scored_at=now) for i, row in zip(ids, rows)])
    return dict(zip(ids, rows))


def store_record_scores(connection, questionnaire: Questionnaire, record_ids: Sequence[int]) -> dict[int, bytes]:
    """Inside a write transaction: score these peer records (of a set of `questionnaire`) from their stored
    answers or dimension scores, and store the scores. Returns id -> stored bytes."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        return {}
    found = {}
    for start in range(0, len(ids), _CHUNK):
        found.update((rid, (answers, given)) for rid, answers, given in connection.execute(
            select(PeerRecordRow.id, PeerRecordRow.answers, PeerRecordRow.scores)
            .where(PeerRecordRow.id.in_(ids[start:start + _CHUNK]))))
    ids = [i for i in ids if i in found]
    records = [{"answers": json.loads(found[i][0] or "{}"), "scores": json.loads(found[i][1]) if found[i][1] else None}
               for i in ids]
    rows = encode(score_records(questionnaire, records))
    table, key = PeerRecordRow.__table__, scoring_key(questionnaire)
    if ids:
        connection.execute(update(table).where(table.c.id == bindparam("record_id"))
                           .values(unit_scores=bindparam("stored"), scoring_key=bindparam("key")),
                           [dict(record_id=i, stored=row, key=key) for i, row in zip(ids, rows)])
    return dict(zip(ids, rows))
