"""Stored scores for peer comparisons (peers/scores.py): written when an assessment is finalised and when a
peer set is stored, read with one query, and always the scores that scoring the answers again would give."""

import json

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, text, update

from peers import service as peers
from peers import scores
from assessment import service
from storage.db import Database
from storage.models import AnswerRow, AssessmentRow, AssessmentScoreRow, OrganisationRow, PeerRecordRow, PeerSetRow
from conftest import ME
from scoring.batch import encode_answers, score_batch
from scoring.engine import score_assessment
from scoring.peers import peer_figures
from test_scoring import gating

CHOICES = [1, 2, 3, 4, 5, "nvt", "weetniet", None]
SIZES = ("inw-20-50k", "inw-50-100k")


def reweighted(questionnaire, weights=(0.1, 0.3, 1.7, 1 / 3)):
    """The questionnaire with weights whose sums are not exact in binary (the scoring adds them in order)."""
    data = questionnaire.model_dump()
    i = 0
    for competency in data["competencies"]:
        for dimension in competency["dimensions"]:
            for question in dimension["questions"]:
                question["weight"] = weights[i % len(weights)]
                i += 1
    return type(questionnaire).model_validate(data)


def variant(name, mini, zelfscan):
    return {"mini": mini, "mini-gating": gating(mini), "mini-weights": reweighted(mini), "zelfscan": zelfscan}[name]


def random_answers(rng, questionnaire):
    p = rng.dirichlet(np.ones(len(CHOICES)) * 0.6)  # skewed: low coverage and all n.v.t. occur too
    return {q.id: CHOICES[rng.choice(len(CHOICES), p=p)] for q in questionnaire.questions()}


def write_answers(db, assessment_id, answers):
    """Answers straight into the table (the service writes them one by one: too slow for a whole dataset)."""
    with db.write() as session:
        for question_id, value in answers.items():
            level = value if isinstance(value, int) else None
            non_score = value if isinstance(value, str) else None
            session.add(AnswerRow(assessment_id=assessment_id, question_id=question_id, level=level,
                                  non_score=non_score, comment="" if value is not None else "alleen een opmerking",
                                  answered_by="test"))


def build_dataset(db, questionnaire, seed, organisations=24):
    """A viewer and a varied set of peers: several years each, n.v.t., weet niet and open questions, drafts, an
    organisation that does not share, assessments finalised with and without their questionnaire at hand,
    and two peer sets of the viewer (answers, and dimension scores)."""
    rng = np.random.default_rng(seed)
    viewer = service.create_organisation(db, actor=ME, name="Kijker", org_type="gemeente", size_class=SIZES[0])
    for i in range(organisations):
        org = service.create_organisation(db, actor=ME, name=f"Gemeente {i}", org_type="gemeente",
                                          size_class=SIZES[i % 2])
        for year in rng.choice([2024, 2025, 2026], size=int(rng.integers(1, 4)), replace=False):
            assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period=str(year),
                                                   questionnaire=questionnaire)
            write_answers(db, assessment.id, random_answers(rng, questionnaire))
            draw = rng.random()
            if draw < 0.5:
                service.finalise_assessment(db, actor=ME, assessment_id=assessment.id, questionnaire=questionnaire)
            elif draw < 0.85:  # finalised without the questionnaire: scored by the first comparison
                service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
        peers.set_sharing(db, actor=ME, organisation_id=org.id, share=i % 7 != 3)
    records = [{"organisation_key": f"bestand-{i % 9}", "org_type": "gemeente", "size_class": SIZES[i % 2],
                "year": int(2024 + i % 3), "answers": {k: v for k, v in random_answers(rng, questionnaire).items()
                                                       if v is not None}} for i in range(30)]
    peers.store_peer_set(db, actor=ME, organisation_id=viewer.id, name="antwoorden.csv", source="import",
                         questionnaire=questionnaire, records=records)
    dimension_ids = [d.id for d in questionnaire.dimensions()]
    by_scores = [{"organisation_key": f"score-{i % 6}", "org_type": "gemeente", "size_class": SIZES[i % 2],
                  "year": int(2024 + i % 3),
                  "scores": {d: float(np.round(rng.uniform(1, 5), 2)) for d in dimension_ids if rng.random() < 0.8}}
                 for i in range(12)]
    peers.store_peer_set(db, actor=ME, organisation_id=viewer.id, name="scores.csv", source="import",
                         questionnaire=questionnaire, records=by_scores)
    own = score_assessment(questionnaire, {k: v for k, v in random_answers(rng, questionnaire).items() if v})
    own_scores = {d: s.score for d, s in own.dimensions.items()} | {c: s.score for c, s in own.competencies.items()}
    return viewer, own_scores | {"overall": own.score}


def fresh_comparison(db, viewer_id, questionnaire, group):
    """The figures as the comparison computed them before scores were stored: every peer's answers read and
    scored again in one batch, peers given by dimension scores averaged up."""
    with db.read() as session:
        shared = session.execute(
            select(AssessmentRow.id, OrganisationRow.id)
            .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
            .where(OrganisationRow.share_anonymously.is_(True), AssessmentRow.status == "final",
                   AssessmentRow.questionnaire_id == questionnaire.id, OrganisationRow.org_type == group.org_type,
                   OrganisationRow.size_class.in_(group.size_classes), AssessmentRow.year.in_(group.years),
                   OrganisationRow.id != viewer_id)).all()
        rows, keys = [], []
        for assessment_id, organisation_id in shared:
            answers = session.execute(select(AnswerRow.question_id, AnswerRow.level, AnswerRow.non_score)
                                      .where(AnswerRow.assessment_id == assessment_id)).all()
            rows.append({q: level if level is not None else other for q, level, other in answers})
            keys.append(f"org-{organisation_id}")
        records = session.execute(
            select(PeerRecordRow.answers, PeerRecordRow.scores, PeerRecordRow.organisation_key)
            .join(PeerSetRow, PeerSetRow.id == PeerRecordRow.peer_set_id)
            .where(PeerRecordRow.org_type == group.org_type, PeerRecordRow.size_class.in_(group.size_classes),
                   PeerRecordRow.year.in_(group.years))).all()
    scored, score_keys = [], []
    for answers, given, key in records:
        if given:
            scored.append(json.loads(given))
            score_keys.append(key)
        else:
            rows.append(json.loads(answers))
            keys.append(key)
    frame = pd.DataFrame(rows, columns=[q.id for q in questionnaire.questions()], dtype=object)
    by_answers = score_batch(questionnaire, encode_answers(frame.where(frame.notna(), np.nan)))["score"]
    dimensions = pd.DataFrame(scored, dtype=float).reindex(columns=[d.id for d in questionnaire.dimensions()])
    for competency in questionnaire.competencies:
        dimensions[competency.id] = dimensions[[d.id for d in competency.dimensions]].mean(axis=1, skipna=True)
    dimensions["overall"] = dimensions[[c.id for c in questionnaire.competencies]].mean(axis=1, skipna=True)
    units = scores.unit_ids(questionnaire)
    frame = pd.concat([by_answers[units], dimensions[units]], ignore_index=True)
    return frame, np.array(keys + score_keys, dtype=object)


@pytest.mark.parametrize("name", ["mini", "mini-gating", "mini-weights", "zelfscan"])
def test_stored_scores_give_exactly_the_figures_of_scoring_again(db, mini, zelfscan, name):
    questionnaire = variant(name, mini, zelfscan)
    viewer, own = build_dataset(db, questionnaire, seed=len(name))
    groups = [peers.PeerGroup("gemeente", SIZES, (2024, 2025, 2026), min_group=3),
              peers.PeerGroup("gemeente", SIZES[:1], (2026,), min_group=3),
              peers.PeerGroup("gemeente", SIZES[1:], (2025, 2026), min_group=5)]
    for group in groups:
        frame, keys = fresh_comparison(db, viewer.id, questionnaire, group)
        expected = peer_figures(frame, own, group.min_group, organisations=keys)
        comparison = peers.compare_with_peers(db, actor=ME, organisation_id=viewer.id, questionnaire=questionnaire,
                                              own_scores=own, group=group)
        assert comparison.figures == expected  # every figure exactly equal, not approximately
        assert (comparison.n_peers, comparison.n_organisations) == (len(frame), len(set(keys)))
        assert any(not f.suppressed for f in expected.values())
        stored, _, _ = peers.peer_scores(db, actor=ME, organisation_id=viewer.id, questionnaire=questionnaire,
                                         group=group)
        # the same multiset of scores per unit (rows may come in another order)
        for unit in frame.columns:
            assert np.array_equal(np.sort(stored[unit].to_numpy()), np.sort(frame[unit].to_numpy()), equal_nan=True)
    # after the first comparison every final assessment has its stored scores, with this questionnaire's key
    with db.read() as session:
        keys = session.execute(select(AssessmentScoreRow.scoring_key, AssessmentRow.status)
                               .join(AssessmentRow, AssessmentRow.id == AssessmentScoreRow.assessment_id)).all()
        finals = session.scalar(select(text("count(*)")).select_from(AssessmentRow).where(
            AssessmentRow.status == "final"))
    shared_finals = len(keys)
    assert 0 < shared_finals <= finals and {k for k, _ in keys} == {scores.scoring_key(questionnaire)}
    assert {status for _, status in keys} == {"final"}  # never a draft
    group, _ = peers.default_group(db, actor=ME, organisation_id=viewer.id, questionnaire=questionnaire,
                                   org_type="gemeente", size_class=SIZES[0], year=2026, min_group=3)
    assert not peers.compare_with_peers(db, actor=ME, organisation_id=viewer.id, questionnaire=questionnaire,
                                        own_scores=own, group=group).figures["overall"].suppressed


def as_list(stored_scores):
    """Stored scores (8-byte floats, NaN for none) as a list with None for no score."""
    return [None if np.isnan(v) else float(v) for v in np.frombuffer(stored_scores, dtype="<f8")]


def stored(db, assessment_id):
    with db.read() as session:
        row = session.get(AssessmentScoreRow, assessment_id)
        return None if row is None else (row.scoring_key, as_list(row.scores))


def final_peers(db, questionnaire, n=5, with_questionnaire=True, prefix="Deelnemer"):
    ids = []
    for i in range(n):
        org = service.create_organisation(db, actor=ME, name=f"{prefix} {i}", org_type="gemeente",
                                          size_class="inw-20-50k")
        assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026",
                                               questionnaire=questionnaire)
        write_answers(db, assessment.id, {q.id: 1 + (i + j) % 5 for j, q in enumerate(questionnaire.questions())})
        service.finalise_assessment(db, actor=ME, assessment_id=assessment.id,
                                    questionnaire=questionnaire if with_questionnaire else None)
        peers.set_sharing(db, actor=ME, organisation_id=org.id, share=True)
        ids.append(assessment.id)
    return ids


def test_finalising_stores_the_scores_in_the_same_transaction(db, mini):
    org = service.create_organisation(db, actor=ME, name="Eigen", org_type="gemeente", size_class="inw-20-50k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    answers = {"d1-1": 4, "d1-2": 2, "d1-3": "nvt", "d1-4": "weetniet", "d2-1": 5, "d3-1": "nvt"}
    write_answers(db, assessment.id, answers)
    assert stored(db, assessment.id) is None  # a draft has none
    with pytest.raises(ValueError):  # another questionnaire: refused, and the assessment stays a draft
        service.finalise_assessment(db, actor=ME, assessment_id=assessment.id, questionnaire=gating(mini).model_copy(
            update={"version": "0.2"}))
    assert not service.get_assessment(db, assessment.id, actor=ME).is_final and stored(db, assessment.id) is None
    service.finalise_assessment(db, actor=ME, assessment_id=assessment.id, questionnaire=mini)
    key, values = stored(db, assessment.id)
    result = score_assessment(mini, answers)
    expected = [result.dimensions[d.id].score for d in mini.dimensions()] + \
        [result.competencies[c.id].score for c in mini.competencies] + [result.score]
    assert key == scores.scoring_key(mini) and values == expected  # exactly the own scores, None for no score
    assert values[2] is None  # d3: everything n.v.t.


def test_a_comparison_scores_what_is_missing_or_stale_and_stores_it(db, mini):
    viewer = service.create_organisation(db, actor=ME, name="Kijker", org_type="gemeente", size_class="inw-20-50k")
    with_scores = final_peers(db, mini, 3)
    without = final_peers(db, mini, 2, with_questionnaire=False, prefix="Zonder")
    group = peers.PeerGroup("gemeente", ("inw-20-50k",), (2026,))
    assert [stored(db, i) is None for i in with_scores + without] == [False] * 3 + [True] * 2
    expected = peers.compare_with_peers(db, actor=ME, organisation_id=viewer.id, questionnaire=mini, own_scores={},
                                        group=group)
    assert expected.n_peers == 5 and not expected.figures["overall"].suppressed
    assert all(stored(db, i) is not None for i in without)  # scored and stored by that comparison
    # a stored row of another scoring key (an edited questionnaire file) is never used: it is scored again
    with db.write() as session:
        session.execute(update(AssessmentScoreRow).where(AssessmentScoreRow.assessment_id == with_scores[0])
                        .values(scoring_key="ander", scores=np.full(6, 5.0).tobytes()))
        session.execute(update(PeerRecordRow).values(scoring_key="ander", unit_scores=b""))
    again = peers.compare_with_peers(db, actor=ME, organisation_id=viewer.id, questionnaire=mini, own_scores={},
                                     group=group)
    assert again == expected and stored(db, with_scores[0])[0] == scores.scoring_key(mini)
    # the gating variant has another key: its comparison scores (and stores) everything with its own rules
    strict = gating(mini)
    assert scores.scoring_key(strict) != scores.scoring_key(mini)
    assert peers.compare_with_peers(db, actor=ME, organisation_id=viewer.id, questionnaire=strict, own_scores={},
                                    group=group).figures == expected.figures  # the rule changes stages, not scores
    assert {stored(db, i)[0] for i in with_scores + without} == {scores.scoring_key(strict)}


def test_peer_sets_are_scored_when_stored(db, mini):
    viewer = service.create_organisation(db, actor=ME, name="Kijker", org_type="provincie", size_class="fte-lt-250")
    records = [{"organisation_key": f"p-{i}", "org_type": "provincie", "size_class": "fte-lt-250", "year": 2026,
                "answers": {"d1-1": 1 + i, "d1-2": "nvt", "d2-1": "weetniet", "d2-2": 3}} for i in range(5)]
    records.append({"organisation_key": "p-9", "org_type": "provincie", "size_class": "fte-lt-250", "year": 2026,
                    "scores": {"d1": 2.5, "d3": 4.0}})
    peers.store_peer_set(db, actor=ME, organisation_id=viewer.id, name="bestand.csv", source="import",
                         questionnaire=mini, records=records)
    with db.read() as session:
        rows = session.execute(select(PeerRecordRow.unit_scores, PeerRecordRow.scoring_key)
                               .order_by(PeerRecordRow.id)).all()
    assert {key for _, key in rows} == {scores.scoring_key(mini)}
    first = score_assessment(mini, records[0]["answers"])
    assert as_list(rows[0][0]) == [first.dimensions["d1"].score, first.dimensions["d2"].score, None,
                                      first.competencies["c1"].score, None, first.score]
    # by dimension scores: c1 = mean(d1, d2 without a score) = 2.5; c2 = d3; overall = (2.5 + 4) / 2
    assert as_list(rows[5][0]) == [2.5, None, 4.0, 2.5, 4.0, 3.25]


def test_another_server_process_sees_every_change_at_once(db, mini):
    """Nothing about peers is kept in a process: a second `Database` on the same database (as another app
    server would have) finalises and shares, and the first one's next comparison counts it."""
    viewer = service.create_organisation(db, actor=ME, name="Kijker", org_type="gemeente", size_class="inw-20-50k")
    final_peers(db, mini, 4)
    group = peers.PeerGroup("gemeente", ("inw-20-50k",), (2026,))
    before = peers.compare_with_peers(db, actor=ME, organisation_id=viewer.id, questionnaire=mini, own_scores={},
                                      group=group)
    other = Database(db.url)
    try:
        org = service.create_organisation(other, actor=ME, name="Nieuw", org_type="gemeente", size_class="inw-20-50k")
        assessment = service.create_assessment(other, actor=ME, organisation_id=org.id, period="2026",
                                               questionnaire=mini)
        write_answers(other, assessment.id, {q.id: 5 for q in mini.questions()})
        service.finalise_assessment(other, actor=ME, assessment_id=assessment.id, questionnaire=mini)
        peers.set_sharing(other, actor=ME, organisation_id=org.id, share=True)
        after = peers.compare_with_peers(db, actor=ME, organisation_id=viewer.id, questionnaire=mini,
                                         own_scores={}, group=group)
        assert (before.n_peers, after.n_peers) == (4, 5)
        assert before.figures["overall"].suppressed and after.figures["overall"].maximum == 5.0
        peers.set_sharing(other, actor=ME, organisation_id=org.id, share=False)  # and stops sharing
        assert peers.compare_with_peers(db, actor=ME, organisation_id=viewer.id, questionnaire=mini, own_scores={},
                                        group=group).n_peers == 4
    finally:
        other.dispose()


def test_a_row_is_scored_the_same_whatever_is_scored_with_it(mini, zelfscan):
    """Stored scores are computed one assessment at a time, fresh ones for many at once: both must agree to the
    last bit (a matrix product may add in another order depending on the number of rows)."""
    rng = np.random.default_rng(5)
    for questionnaire in (zelfscan, reweighted(zelfscan), gating(mini)):
        rows = [random_answers(rng, questionnaire) for _ in range(200)]
        together = scores.score_answer_dicts(questionnaire, [{k: v for k, v in r.items() if v} for r in rows])
        for size in (1, 2, 3, 7):
            apart = np.vstack([scores.score_answer_dicts(questionnaire, [{k: v for k, v in r.items() if v}
                                                                         for r in rows[i:i + size]])
                               for i in range(0, len(rows), size)])
            assert np.array_equal(together, apart, equal_nan=True), (questionnaire.key, size)
        # and exactly the one-assessment scores
        for r, row in zip(rows[:50], together[:50]):
            result = score_assessment(questionnaire, {k: v for k, v in r.items() if v})
            expected = [result.dimensions[d.id].score for d in questionnaire.dimensions()] + \
                [result.competencies[c.id].score for c in questionnaire.competencies] + [result.score]
            assert [None if np.isnan(v) else v for v in row] == expected
