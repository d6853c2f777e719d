"""Stored scores for peer comparisons: `assessment_scores` (one row per final assessment) and the scores of each
peer record (`peer_records.unit_scores`), each with the scoring key they were computed with. Existing final
assessments and peer records are scored here, with the application's own scoring (peers/scores.py),
for every questionnaire found in the questionnaire folder (and the shipped ones). Whatever is not scored here
(a questionnaire that is not there) is scored by the first peer comparison that needs it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_CHUNK = 500

# the tables as this revision knows them (not the models, which may change later)
assessments = sa.table("assessments", sa.column("id", sa.String), sa.column("status", sa.String),
                       sa.column("questionnaire_id", sa.String), sa.column("questionnaire_version", sa.String))
answers = sa.table("answers", sa.column("assessment_id", sa.String), sa.column("question_id", sa.String),
                   sa.column("level", sa.Integer), sa.column("non_score", sa.String))
assessment_scores = sa.table(
    "assessment_scores", sa.column("assessment_id", sa.String), sa.column("questionnaire_id", sa.String),
    sa.column("questionnaire_version", sa.String), sa.column("scoring_key", sa.String),
    sa.column("scores", sa.LargeBinary), sa.column("scored_at", sa.DateTime(timezone=True)))
peer_sets = sa.table("peer_sets", sa.column("id", sa.Integer), sa.column("questionnaire_id", sa.String),
                     sa.column("questionnaire_version", sa.String))
peer_records = sa.table("peer_records", sa.column("id", sa.Integer), sa.column("peer_set_id", sa.Integer),
                        sa.column("answers", sa.Text), sa.column("scores", sa.Text),
                        sa.column("unit_scores", sa.LargeBinary), sa.column("scoring_key", sa.String))


def upgrade() -> None:
    op.create_table(
        "assessment_scores",
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("questionnaire_id", sa.String(100), nullable=False),
        sa.Column("questionnaire_version", sa.String(20), nullable=False),
        sa.Column("scoring_key", sa.String(32), nullable=False),
        sa.Column("scores", sa.LargeBinary(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_with_rowid=False,  # read by its key only: one B-tree lookup per row on SQLite
    )
    with op.batch_alter_table("peer_records") as batch:
        batch.add_column(sa.Column("unit_scores", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("scoring_key", sa.String(32), nullable=True))
    _score_existing(op.get_bind())


def _questionnaires() -> dict:
    """The questionnaires the app would find: the shipped ones, and those of the configured folder (which
    win, as the app reads only that folder)."""
    from questionnaires.loader import DEFAULT_DIR, discover, questionnaire_dir

    found = {}
    for folder in (DEFAULT_DIR, questionnaire_dir()):
        if folder.is_dir():
            found.update(discover(folder).questionnaires)
    return found


def _score_existing(connection) -> None:
    import json

    from peers import scores

    now = datetime.now(timezone.utc)
    final = connection.execute(sa.select(assessments.c.id, assessments.c.questionnaire_id,
                                         assessments.c.questionnaire_version)
                               .where(assessments.c.status == "final")).all()
    records = connection.execute(
        sa.select(peer_records.c.id, peer_records.c.answers, peer_records.c.scores, peer_sets.c.questionnaire_id,
                  peer_sets.c.questionnaire_version)
        .join(peer_sets, peer_sets.c.id == peer_records.c.peer_set_id)).all()
    found = _questionnaires() if final or records else {}  # a new database has nothing to score: no files read
    by_questionnaire: dict[str, list[str]] = {}
    for assessment_id, questionnaire_id, version in final:
        by_questionnaire.setdefault(f"{questionnaire_id}@{version}", []).append(assessment_id)
    for key, ids in by_questionnaire.items():
        questionnaire = found.get(key)
        if questionnaire is None:
            continue
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            rows = connection.execute(sa.select(answers.c.assessment_id, answers.c.question_id, answers.c.level,
                                                answers.c.non_score)
                                      .where(answers.c.assessment_id.in_(chunk))).all()
            stored = scores.encode(scores.score_answer_rows(questionnaire, chunk, rows))
            connection.execute(assessment_scores.insert(), [
                dict(assessment_id=i, questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
                     scoring_key=scores.scoring_key(questionnaire), scores=row, scored_at=now)
                for i, row in zip(chunk, stored)])

    by_questionnaire_records: dict[str, list] = {}
    for record in records:
        by_questionnaire_records.setdefault(f"{record.questionnaire_id}@{record.questionnaire_version}",
                                            []).append(record)
    for key, rows in by_questionnaire_records.items():
        questionnaire = found.get(key)
        if questionnaire is None:
            continue
        try:
            stored = scores.encode(scores.score_records(questionnaire, [
                {"answers": json.loads(r.answers or "{}"), "scores": json.loads(r.scores) if r.scores else None}
                for r in rows]))
        except ValueError:  # a record the scoring refuses: left to the comparison, which says so as before
            continue
        connection.execute(peer_records.update().where(peer_records.c.id == sa.bindparam("record_id"))
                           .values(unit_scores=sa.bindparam("stored"), scoring_key=sa.bindparam("key")),
                           [dict(record_id=r.id, stored=row, key=scores.scoring_key(questionnaire))
                            for r, row in zip(rows, stored)])


def downgrade() -> None:
    with op.batch_alter_table("peer_records") as batch:
        batch.drop_column("scoring_key")
        batch.drop_column("unit_scores")
    op.drop_table("assessment_scores")
