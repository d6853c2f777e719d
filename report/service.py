"""Everything an export needs about one assessment, gathered in one place from every capability (no streamlit,
no openpyxl): the floor above the capabilities, so that none of them needs another one for this."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from access.service import LOCAL_LABEL, Actor, answer_work
from i18n import LOCAL_TIMEZONE
from questionnaires.model import Questionnaire
from scoring.comparison import Comparison
from scoring.engine import AssessmentResult, score_assessment
from scoring.legal import LegalCheck, check_legal_minimum

from assessment import service
from assessment.history import Lookup, compare_entries, organisation_history
from peers import service as peers
from plan import service as plan
from storage.db import Database
from storage.models import utcnow
from workshops.service import workshop_counts

if TYPE_CHECKING:
    from indicators.model import KpiLibrary
    from kpi.service import Register

    from respondents.service import Overview


@dataclass(frozen=True)
class PastScore:
    """The overall score of one assessment of the organisation (for "every year's overall")."""

    period: str
    score: float | None
    stage: int | None
    is_final: bool


@dataclass(frozen=True)
class Making:
    """Who made the scan and how, from the activity log, the workshops and the respondents (counts only)."""

    people: tuple[str, ...] = ()  # who answered in the app or by workbook (name, else address), most changes first
    local_user: bool = False  # the local user (without sign-in) answered
    workshop_participants: tuple[int, ...] = ()  # per workshop that agreed answers: its participants
    workshop_answers: int = 0  # answers agreed in those workshops
    respondents: int = 0  # colleagues who answered on their own link
    merged: int = 0  # questions whose answer was merged from theirs
    finalised_by: str | None = None  # name, else address; LOCAL_LABEL mapped to local_user_finalised
    local_user_finalised: bool = False


@dataclass(frozen=True)
class Report:
    organisation: service.Organisation
    assessment: service.Assessment
    questionnaire: Questionnaire
    answers: dict[str, service.Answer]
    result: AssessmentResult
    actions: list[plan.PlanAction]
    comparison: Comparison | None  # with the assessment before this one, when there is one
    earlier_period: str | None
    exported_on: date
    peers: peers.PeerComparison | None = None  # None when the peer group is too small
    kpi_library: "KpiLibrary | None" = None  # the KPI library and the organisation's register, for the KPI sheet
    kpi_register: "Register | None" = None
    # when the data was read (UTC): an import of the workbook knows what changed in the app since then
    exported_at: datetime | None = None
    # the colleagues who answered on their own, taken together (never their individual answers); None: nobody
    respondents: "Overview | None" = None
    legal_answers: dict[str, service.Answer] = field(default_factory=dict)  # the legal minimum, by item id
    # every scored assessment of the organisation up to and including this one, oldest first
    past: tuple[PastScore, ...] = ()
    making: Making = Making()
    peer_all_sizes: bool = False  # the peer group takes every size class of the organisation type


    @property
    def legal(self) -> LegalCheck:
        return check_legal_minimum(self.questionnaire, service.answer_values(self.legal_answers))

    def action_in(self, action: plan.PlanAction, lang: str) -> plan.PlanAction:
        """A plan action as a reader in `lang` sees it (`plan.in_language`): for a format, which knows no service."""
        return plan.in_language(action, self.questionnaire, lang)


def gather_report(db: Database, *, actor: Actor, assessment_id: str, lookup: Lookup, today: date | None = None,
                  peer_group: peers.PeerGroup | None = None, kpi_library: "KpiLibrary | None" = None) -> Report:
    """`peer_group` defaults to organisations of the same type and size class in the same year; `kpi_library`
    to the KPI library file (without a usable library the report has no KPIs)."""
    from kpi import service as kpis
    from indicators.library import KpiLibraryError, load_library

    exported_at = utcnow()  # before anything is read: a change after this moment is not in the export
    assessment = service.get_assessment(db, assessment_id, actor=actor)
    questionnaire = lookup(assessment.questionnaire_id, assessment.questionnaire_version)
    if questionnaire is None:
        raise service.NotFound(assessment.questionnaire_key)
    answers = service.get_answers(db, actor=actor, assessment_id=assessment.id)
    result = score_assessment(questionnaire, service.answer_values(answers),
                              service.get_targets(db, actor=actor, assessment_id=assessment.id))
    comparison, earlier_period = None, None
    entries = organisation_history(db, actor=actor, organisation_id=assessment.organisation_id, lookup=lookup)
    position = next(i for i, e in enumerate(entries) if e.assessment.id == assessment.id)
    earlier = [e for e in entries[:position] if e.result is not None]
    if earlier:
        comparison = compare_entries(earlier[-1], entries[position])
        earlier_period = earlier[-1].assessment.period
    organisation = service.get_organisation(db, assessment.organisation_id, actor=actor)
    own_scores = {d: s.score for d, s in result.dimensions.items()}
    own_scores.update({c: s.score for c, s in result.competencies.items()}, overall=result.score)
    group = peer_group or peers.PeerGroup(organisation.org_type, (organisation.size_class,), (assessment.year,))
    peer_comparison = peers.compare_with_peers(db, actor=actor, organisation_id=organisation.id,
                                               questionnaire=questionnaire, own_scores=own_scores, group=group,
                                               earlier_versions=[q for q in (lookup(questionnaire.id, m.from_version)
                                                                             for m in questionnaire.mappings) if q])
    if peer_comparison.figures["overall"].suppressed:
        peer_comparison = None
    if kpi_library is None:
        try:
            kpi_library = load_library()
        except KpiLibraryError:
            kpi_library = None
    register = kpis.get_register(db, actor=actor, organisation_id=organisation.id, library=kpi_library) \
        if kpi_library is not None else None
    from respondents.service import overview

    respondents = overview(db, actor=actor, assessment_id=assessment.id, questionnaire=questionnaire)
    past = tuple(PastScore(e.assessment.period, e.result.score, e.result.stage, e.assessment.is_final)
                 for e in entries[:position + 1] if e.result is not None)
    return Report(organisation, assessment, questionnaire, answers, result,
                  plan.list_actions(db, actor=actor, assessment_id=assessment.id), comparison, earlier_period,
                  today or exported_at.astimezone(LOCAL_TIMEZONE).date(), peer_comparison, kpi_library, register,
                  exported_at, respondents if respondents.figures.total else None,
                  service.get_legal_answers(db, actor=actor, assessment_id=assessment.id), past,
                  making(db, actor=actor, assessment=assessment, respondents=respondents),
                  set(group.size_classes) >= set(service.SIZE_CLASSES.get(organisation.org_type, ())))


def making(db: Database, *, actor: Actor, assessment: service.Assessment, respondents: "Overview") -> Making:
    """Who made the scan and how: the people who changed answers in the app or by workbook (from the activity
    log), the workshops that agreed answers, and the colleagues whose answers were merged."""
    work = answer_work(db, actor=actor, assessment_id=assessment.id)
    names = {w.actor: w.actor_name or w.actor for w in work}
    people = []
    for item in work:
        if item.source in ("app", "workbook") and item.actor != LOCAL_LABEL and names[item.actor] not in people:
            people.append(names[item.actor])
    local = any(w.actor == LOCAL_LABEL and w.source in ("app", "workbook") for w in work)
    workshops = workshop_counts(db, actor=actor, assessment_id=assessment.id)
    finalised_by = assessment.finalised_by if assessment.is_final else None
    return Making(tuple(people), local, tuple(w.participants for w in workshops), sum(w.agreed for w in workshops),
                  respondents.figures.total, len(respondents.merges),
                  None if finalised_by in (None, LOCAL_LABEL) else names.get(finalised_by, finalised_by),
                  finalised_by == LOCAL_LABEL)
