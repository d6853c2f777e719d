"""Write an imported workbook (answers, comments, targets, plan) into the database, all or nothing.

The data comes from `exports.workbook_import.read_workbook`, which has checked the file. The assessment
is updated when it exists (a draft; a final assessment is refused), or created again with the same id,
for example in another installation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from access.service import ANSWER, Actor, log, require, require_admin

from . import plan, service
from .db import Database
from .models import AnswerRow, AssessmentRow, OrganisationRow, PlanActionRow, TargetRow, utcnow

if TYPE_CHECKING:
    from exports.workbook_import import WorkbookData


class ImportRefused(ValueError):
    """The workbook is fine, but it does not fit this database: `code` says why, `row` where (plan rows)."""

    def __init__(self, code: str, row: int | None = None, **params):
        super().__init__(f"{code} {params}")
        self.code, self.row, self.params = code, row, params


def apply_workbook(db: Database, data: "WorkbookData", *, actor: Actor) -> service.Assessment:
    """Write the workbook. The actor needs the right to answer in the assessment's organisation; a
    workbook of an organisation that is not in this database yet needs an application administrator."""
    questionnaire = data.questionnaire
    actions = []
    for values in data.actions:
        fields = {k: v for k, v in values.items() if not k.startswith("_")}
        try:
            clean = plan._validated(fields, questionnaire)
            plan._check_dates(clean.get("start_date"), clean.get("due_date"))
        except service.InputError as error:
            raise ImportRefused("invalid_action", values.get("_row"), field=error.field, reason=error.code)
        actions.append(clean)
    now = utcnow()
    with db.write() as session:
        row = session.get(AssessmentRow, data.assessment_id)
        if row is not None:
            require(session, actor, row.organisation_id, ANSWER)
        else:
            name = (data.organisation or "").strip()
            if not name or data.org_type not in service.ORGANISATION_TYPES or \
                    data.size_class not in service.size_classes_for(data.org_type):
                raise ImportRefused("organisation_incomplete")
            organisation = session.scalar(select(OrganisationRow).where(OrganisationRow.name_key == name.casefold()))
            if organisation is not None:
                require(session, actor, organisation.id, ANSWER)
            else:
                require_admin(actor)
                organisation = OrganisationRow(name=name, name_key=name.casefold(), org_type=data.org_type,
                                               size_class=data.size_class)
                session.add(organisation)
                session.flush()
            if not service.PERIOD_PATTERN.match(data.period or ""):
                raise ImportRefused("organisation_incomplete")
            taken = session.scalar(select(AssessmentRow.id).where(
                AssessmentRow.organisation_id == organisation.id, AssessmentRow.period == data.period,
                AssessmentRow.questionnaire_id == questionnaire.id))
            if taken:
                raise ImportRefused("period_taken", period=data.period)
            row = AssessmentRow(id=data.assessment_id, organisation_id=organisation.id, year=int(data.period[:4]),
                                period=data.period, questionnaire_id=questionnaire.id,
                                questionnaire_version=questionnaire.version, status="draft")
            session.add(row)
            session.flush()
        if row.status == "final":
            raise ImportRefused("assessment_final")
        elif (row.questionnaire_id, row.questionnaire_version) != (questionnaire.id, questionnaire.version):
            raise ImportRefused("questionnaire_mismatch")
        row.updated_at = now
        # the workbook does not carry an action's register KPI: an action that is still there keeps it
        links = {(a.dimension_id, a.title): a.kpi_entry_id for a in session.scalars(
            select(PlanActionRow).where(PlanActionRow.assessment_id == row.id,
                                        PlanActionRow.kpi_entry_id.is_not(None)))}
        for table in (AnswerRow, TargetRow, PlanActionRow):
            session.execute(delete(table).where(table.assessment_id == row.id))
        for question_id, (value, comment) in data.answers.items():
            if value is None and not comment:
                continue
            level = value if isinstance(value, int) else None
            non_score = value if isinstance(value, str) else None
            session.add(AnswerRow(assessment_id=row.id, question_id=question_id, level=level, non_score=non_score,
                                  comment=comment, answered_by=actor.label, updated_at=now))
        for dimension_id, level in data.targets.items():
            session.add(TargetRow(assessment_id=row.id, dimension_id=dimension_id, level=level, set_by=actor.label,
                                  updated_at=now))
        for clean in actions:
            link = links.get((clean.get("dimension_id"), clean.get("title")))
            session.add(PlanActionRow(assessment_id=row.id, **clean, **({"kpi_entry_id": link} if link else {})))
        session.flush()
        log(session, actor, "workbook_imported", row.organisation_id, row.id, answers=len(data.answers),
            actions=len(actions))
        organisation_name = session.get(OrganisationRow, row.organisation_id).name
        return service._assessment(row, organisation_name)
