"""Shared by the benchmarks: fill a database (made by the project's migrations) with many organisations at once.

Rows go in with SQLAlchemy Core executemany in chunks (on PostgreSQL with COPY), generated as they are written,
so a million answers need neither the service layer's one transaction per answer nor a million dicts in memory.
What is written is what the app itself would have: final assessments with their stored scores (`peers.scores`,
computed by the app's batch scoring), targets, plan actions, the activity log, members, KPI registers with values,
and workshops with votes.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from itertools import chain, islice

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select

from peers import scores
from storage.models import (ActivityRow, AnswerRow, AssessmentRow, AssessmentScoreRow, KpiEntryRow, KpiValueRow,
                               MembershipRow, OrganisationRow, ParticipantRow, PersonRow, PlanActionRow, TargetRow,
                               VoteRow, WorkshopQuestionRow, WorkshopRow)
from assessment.service import SIZE_CLASSES
from scoring.batch import score_batch

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
CHUNK = 20_000
# question codes with realistic frequencies: levels mostly, some n.v.t., weet niet and open questions
CODES = np.array([1.0, 2.0, 3.0, 4.0, 5.0, -1.0, 0.0, np.nan])
CODE_P = np.array([0.10, 0.22, 0.30, 0.20, 0.08, 0.04, 0.04, 0.02])


def _write(connection, table, rows) -> int:
    """Insert an iterable of dicts (all with the same keys) in chunks; returns how many. On PostgreSQL through
    COPY, in the same transaction: several times faster than INSERT for this many rows. On SQLite the driver's
    executemany, each value put through its column's own bind processor (as SQLAlchemy would, a UTC timestamp
    as its text), remembered per distinct value: SQLAlchemy's work per row took half the time of a large build."""
    rows, n = iter(rows), 0
    if connection.dialect.name == "postgresql":
        return _copy(connection, table, rows)
    first = next(rows, None)
    if first is None:
        return 0
    columns = list(first)
    rows = chain([first], rows)
    statement = insert(table).compile(dialect=connection.dialect, column_keys=columns)
    if sorted(statement.positiontup or ()) != sorted(columns):  # a default SQLAlchemy fills in: let it
        while chunk := list(islice(rows, CHUNK)):
            connection.execute(insert(table), chunk)
            n += len(chunk)
        return n
    order = [columns.index(name) for name in statement.positiontup]
    dialect = connection.dialect
    processors = {i: _remembered(process) for i, column in enumerate(columns)
                  if (process := table.c[column].type.dialect_impl(dialect).bind_processor(dialect)) is not None}
    while chunk := list(islice(rows, CHUNK)):
        values = []
        for row in chunk:
            value = [row[column] for column in columns]
            for i, process in processors.items():
                value[i] = process(value[i])
            values.append(tuple(value[i] for i in order))
        connection.exec_driver_sql(str(statement), values)
        n += len(chunk)
    return n


def _remembered(process):
    """A bind processor that works each distinct value out once (the bulk rows repeat a few timestamps)."""
    seen = {}

    def remembered(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = process(value)
            return result
        except TypeError:  # not hashable
            return process(value)
    return remembered


def _copy(connection, table, rows) -> int:
    from psycopg import sql

    first = next(rows, None)
    if first is None:
        return 0
    columns = list(first)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name),
                                                          sql.SQL(", ").join(map(sql.Identifier, columns)))
    n = 0
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in chain([first], rows):
            copy.write_row([row[column] for column in columns])
            n += 1
    return n


ORG_TYPES = {"gemeente": 0.55, "provincie": 0.12, "waterschap": 0.13, "uitvoeringsorganisatie": 0.15, "anders": 0.05}


def add_organisations(db, questionnaire, n: int, *, seed: int = 1, years=(2024, 2025, 2026), final_years=(2024, 2025),
                      org_types: dict[str, float] = ORG_TYPES, share: float = 0.7, extras: bool = True,
                      name_prefix: str = "Organisatie") -> dict:
    """Add `n` organisations (of the types in `org_types`, with those shares), each with an assessment per year in
    `years` (final in `final_years`, else a draft) with every question answered, and, with `extras`, what else a
    real organisation has. Returns counts."""
    rng = np.random.default_rng(seed)
    question_ids = [q.id for q in questionnaire.questions()]
    dimension_ids = [d.id for d in questionnaire.dimensions()]
    key = scores.scoring_key(questionnaire)
    units = scores.unit_ids(questionnaire)
    counts = dict.fromkeys(("organisations", "assessments", "answers", "stored scores", "targets", "plan actions",
                            "activity", "members", "KPI values", "votes"), 0)
    with db.write_engine.begin() as connection:
        first_id = (connection.scalar(select(func.max(OrganisationRow.id))) or 0) + 1
        first_person = (connection.scalar(select(func.max(PersonRow.id))) or 0) + 1
        org_ids = list(range(first_id, first_id + n))
        weights = np.array(list(org_types.values()), dtype=float)
        types = rng.choice(list(org_types), n, p=weights / weights.sum())
        classes = {t: SIZE_CLASSES["gemeente" if t == "gemeente" else "other"] for t in org_types}
        sizes = [classes[t][rng.integers(len(classes[t]))] for t in types]
        shares = rng.random(n) < share
        counts["organisations"] = _write(connection, OrganisationRow.__table__, (
            dict(id=o, name=f"{name_prefix} {o:05d}", name_key=f"{name_prefix} {o:05d}".casefold(), org_type=t,
                 size_class=s, created_at=NOW, share_anonymously=bool(sh))
            for o, t, s, sh in zip(org_ids, types, sizes, shares)))

        assessments = [(f"{o:016x}{y:016x}", o, y) for o in org_ids for y in years]
        counts["assessments"] = _write(connection, AssessmentRow.__table__, (
            dict(id=a, organisation_id=o, year=y, period=str(y), questionnaire_id=questionnaire.id,
                 questionnaire_version=questionnaire.version, status="final" if y in final_years else "draft",
                 created_at=NOW, updated_at=NOW, finalised_at=NOW if y in final_years else None,
                 finalised_by="bulk" if y in final_years else None) for a, o, y in assessments))

        # answers, drawn per organisation around a level of its own; the stored scores of the final ones
        codes = rng.choice(CODES, size=(len(assessments), len(question_ids)), p=CODE_P)
        shift = np.repeat(rng.integers(-1, 2, n), len(years))[:, None]
        codes = np.where(codes >= 1, np.clip(codes + shift, 1, 5), codes)
        text = {-1.0: "nvt", 0.0: "weetniet"}

        def answers():
            for (a, _, _), row in zip(assessments, codes):
                for question_id, code in zip(question_ids, row):
                    if code != code:
                        continue
                    yield dict(assessment_id=a, question_id=question_id, level=int(code) if code >= 1 else None,
                               non_score=text.get(code), comment="", answered_by="bulk", updated_at=NOW)
        counts["answers"] = _write(connection, AnswerRow.__table__, answers())

        final = [i for i, (_, _, y) in enumerate(assessments) if y in final_years]
        frame = pd.DataFrame(codes[final], columns=question_ids)
        stored = scores.encode(score_batch(questionnaire, frame)["score"][units].to_numpy())
        counts["stored scores"] = _write(connection, AssessmentScoreRow.__table__, (
            dict(assessment_id=assessments[i][0], questionnaire_id=questionnaire.id,
                 questionnaire_version=questionnaire.version, scoring_key=key, scores=text_, scored_at=NOW)
            for i, text_ in zip(final, stored)))
        if not extras:
            return counts

        counts["targets"] = _write(connection, TargetRow.__table__, (
            dict(assessment_id=a, dimension_id=d, level=3, set_by="bulk", updated_at=NOW)
            for a, _, _ in assessments for d in dimension_ids[:4]))
        counts["plan actions"] = _write(connection, PlanActionRow.__table__, (
            dict(assessment_id=a, dimension_id=dimension_ids[k], title=f"Actie {k}", description="", owner="Team",
                 start_date=date(y, 2, 1), due_date=date(y, 11, 30), status="planned", expected_gain=1.0, kpi="",
                 kpi_target="", created_at=NOW, updated_at=NOW) for a, _, y in assessments for k in range(3)))
        counts["activity"] = _write(connection, ActivityRow.__table__, (
            dict(organisation_id=o, assessment_id=a, actor=f"invuller{o}@example.nl", action="answer_changed",
                 detail=json.dumps({"question": question_ids[k]}), at=NOW - timedelta(minutes=k))
            for a, o, _ in assessments for k in range(12)))
        counts["members"] = _write(connection, PersonRow.__table__, (
            dict(id=first_person + i, email=f"beheerder{o}@example.nl", name="", created_at=NOW)
            for i, o in enumerate(org_ids)))
        _write(connection, MembershipRow.__table__, (
            dict(organisation_id=o, person_id=first_person + i, role="beheerder", created_at=NOW, created_by="bulk")
            for i, o in enumerate(org_ids)))

        first_entry = (connection.scalar(select(func.max(KpiEntryRow.id))) or 0) + 1
        codes_kpi = ("klagers-gehoord", "aantal-klachten", "doorlooptijd")
        entries = [(first_entry + i * len(codes_kpi) + k, o, c) for i, o in enumerate(org_ids)
                   for k, c in enumerate(codes_kpi)]
        _write(connection, KpiEntryRow.__table__, (
            dict(id=e, organisation_id=o, code=c, from_library=True, name="", definition="", numerator="",
                 denominator="", competency="", people_centred=False, source="", created_at=NOW, updated_at=NOW)
            for e, o, c in entries))
        quarters = [(y, q) for y in years for q in range(1, 5)]
        counts["KPI values"] = _write(connection, KpiValueRow.__table__, (
            dict(entry_id=e, period=f"{y}-Q{q}", first_month=y * 12 + (q - 1) * 3, months=3,
                 value=100.0 if c == "aantal-klachten" else None,
                 numerator=None if c == "aantal-klachten" else 40.0, denominator=None if c == "aantal-klachten"
                 else 80.0, entered_by="bulk", source="app", updated_at=NOW)
            for e, _, c in entries for y, q in quarters))

        # a workshop on the first assessment of one organisation in ten, with six voters on twelve questions
        workshops = [(f"w{a[1:]}", a) for a, o, y in assessments if y == years[0] and o % 10 == 0]
        _write(connection, WorkshopRow.__table__, (
            dict(id=w, assessment_id=a, join_code=f"J{i:07d}", facilitator_token=f"f{w}", projector_token=f"p{w}",
                 question_ids=json.dumps(question_ids[:12]), current_question_id=question_ids[0], closed=True,
                 created_at=NOW, expires_at=NOW) for i, (w, a) in enumerate(workshops)))
        _write(connection, WorkshopQuestionRow.__table__, (
            dict(workshop_id=w, question_id=q, round=1, state="revealed", parked=False, agreed_value="3",
                 rationale="") for w, _ in workshops for q in question_ids[:12]))
        _write(connection, ParticipantRow.__table__, (
            dict(id=f"{w}-{p}", workshop_id=w, role="other", joined_at=NOW) for w, _ in workshops for p in range(6)))
        counts["votes"] = _write(connection, VoteRow.__table__, (
            dict(workshop_id=w, question_id=q, round=1, participant_id=f"{w}-{p}", value=str(1 + p % 5),
                 updated_at=NOW) for w, _ in workshops for q in question_ids[:12] for p in range(6)))
    return counts
