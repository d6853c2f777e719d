"""Vragenlijst: one dimension at a time; every answer and comment is saved the moment it is given."""

from datetime import datetime, timezone

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from access import ANSWER
from assessment import service
from i18n import format_percent
from scoring.engine import DONT_KNOW, NOT_APPLICABLE
from ui.progress import progress
from ui.language import lang, tr
from ui.paths import PAGE_RESULTS
from ui.safe_text import escape_md, local_time
from scoring.comparison import match_questions
from ui.session import attempt, catalog, database, last_known, me, pending, permissions_in, show_page_error, who_text
from ui.url_state import (PAGE_TOP, PARAM_DIMENSION, arrived_by_move, assessment_header, go_to, open_at_top,
                          require_assessment)

PART_ANCHOR = "onderdeel"

assessment, questionnaire = require_assessment()
db = database()
language = lang()
actor = me()
may_answer = ANSWER in last_known(f"permissions_{assessment.organisation_id}", permissions_in,
                                  assessment.organisation_id)
read_only = assessment.is_final or not may_answer

with st.container(key=PAGE_TOP):  # after "Scan starten" or "Openen": the page opens here, focus on its title
    st.title(tr("questionnaire.title"), anchor=False)
if arrived_by_move():
    open_at_top(PAGE_TOP)
assessment_header(assessment, questionnaire)
if assessment.is_final:
    st.info(tr("questionnaire.read_only"), icon=":material/lock:")
elif not may_answer:
    st.info(tr("questionnaire.reader"), icon=":material/visibility:")

# the parts: the dimensions, then the legal minimum (when the questionnaire has one)
LEGAL_PART = "wettelijk-minimum"
dimensions = questionnaire.dimensions()
legal_items = questionnaire.legal_items()
dimension_ids = [d.id for d in dimensions] + ([LEGAL_PART] if legal_items else [])
requested = st.query_params.get(PARAM_DIMENSION)
current_id = requested if requested in dimension_ids else dimension_ids[0]
if requested != current_id:
    st.query_params[PARAM_DIMENSION] = current_id

answers = last_known(f"answers_{assessment.id}", service.get_answers, db, actor=actor,
                     assessment_id=assessment.id)
legal_answers = last_known(f"legal_answers_{assessment.id}", service.get_legal_answers, db, actor=actor,
                           assessment_id=assessment.id) if legal_items else {}
answers = answers | {service.legal_key(item_id): answer for item_id, answer in legal_answers.items()}
answered = {qid for qid, a in answers.items() if a.value is not None and not service.is_legal_key(qid)}
legal_answered = {qid for qid, a in answers.items() if a.value is not None and service.is_legal_key(qid)}
unchecked = {qid for qid, a in answers.items() if a.carried_from and a.value is not None}
# a copied answer nobody has looked at yet is not the same as a fresh one (both sets hold legal keys too)
checked = (answered | legal_answered) - unchecked
questions_checked = {qid for qid in checked if not service.is_legal_key(qid)}
questions_unchecked = {qid for qid in unchecked if not service.is_legal_key(qid)}

if unchecked and not read_only:
    st.info(tr("questionnaire.carried_count", count=len(unchecked),
               period=next(a.carried_from for a in answers.values() if a.carried_from)), icon=":material/history:")

# --- started from an earlier version of the questionnaire: what could not be copied ---------------------------
if assessment.previous_assessment_id and not read_only:
    try:
        previous = last_known(f"previous_{assessment.id}", service.get_assessment, db,
                              assessment.previous_assessment_id, actor=actor)
    except service.NotFound:
        previous = None
    earlier_questionnaire = catalog().get(previous.questionnaire_id, previous.questionnaire_version) \
        if previous and previous.questionnaire_version != questionnaire.version else None
    if earlier_questionnaire is not None:
        not_copied = [(m.status, qid) for m in match_questions(earlier_questionnaire, questionnaire)
                      if not m.comparable for qid in m.later_ids if qid not in answered]
        if not_copied:
            with st.expander(tr("questionnaire.version_changed", earlier=earlier_questionnaire.version,
                                later=questionnaire.version, count=len(not_copied)), icon=":material/fiber_new:"):
                for status, qid in not_copied:
                    st.markdown(f"- {tr(f'change.{status}')}: {escape_md(questionnaire.question(qid).text.get(language))}")

# --- progress --------------------------------------------------------------------------------------
total = len(questionnaire.questions())


def progress_text(prefix: str, done: int, count: int, to_check: int) -> str:
    text = tr("questionnaire.progress", prefix=prefix, done=done, total=count)
    return text + (" · " + tr("questionnaire.to_check", count=to_check) if to_check else "")


progress(len(questions_checked) / total, progress_text(tr("questionnaire.total"), len(questions_checked), total,
                                                      len(questions_unchecked)))
columns = st.columns(len(questionnaire.competencies))
for column, competency in zip(columns, questionnaire.competencies):
    ids = [q.id for d in competency.dimensions for q in d.questions]
    done = sum(1 for qid in ids if qid in checked)
    progress(done / len(ids), progress_text(competency.title.get(language), done, len(ids),
                                            sum(1 for qid in ids if qid in unchecked)), column)
if legal_items:
    legal_ids = [service.legal_key(item.id) for item in legal_items]
    legal_done = sum(1 for key in legal_ids if key in checked)
    legal_to_check = sum(1 for key in legal_ids if key in unchecked)
    progress(legal_done / len(legal_ids), tr(
        "questionnaire.legal_progress", prefix=questionnaire.legal_minimum.title.get(language), done=legal_done,
        total=len(legal_ids)) + (" · " + tr("questionnaire.to_check", count=legal_to_check) if legal_to_check else ""))


# --- choosing a dimension --------------------------------------------------------------------------
def _part_ids(part_id: str) -> list[str]:
    """The keys of the answers of one part."""
    if part_id == LEGAL_PART:
        return [service.legal_key(item.id) for item in legal_items]
    return [q.id for q in questionnaire.dimension(part_id).questions]


def _dimension_label(dimension_id: str) -> str:
    ids = _part_ids(dimension_id)
    if dimension_id == LEGAL_PART:
        done = sum(1 for qid in ids if qid in checked)
        return f"{questionnaire.legal_minimum.title.get(language)} ({done}/{len(ids)})"
    dimension = questionnaire.dimension(dimension_id)
    competency = questionnaire.competency_of(dimension_id)
    done = sum(1 for qid in ids if qid in checked)
    to_check = sum(1 for qid in ids if qid in unchecked)
    counts = f"{done}/{len(ids)}" + (", " + tr("questionnaire.to_check", count=to_check) if to_check else "")
    return f"{competency.title.get(language)} › {dimension.title.get(language)} ({counts})"


def _go_to_dimension(dimension_id: str) -> None:
    st.query_params[PARAM_DIMENSION] = dimension_id
    st.session_state["dimension_choice"] = dimension_id
    st.session_state["part_changed"] = True


def _on_dimension_choice() -> None:
    st.query_params[PARAM_DIMENSION] = st.session_state["dimension_choice"]
    st.session_state["part_changed"] = True


st.session_state["dimension_choice"] = current_id
st.selectbox(tr("questionnaire.choose_dimension"), dimension_ids, format_func=_dimension_label,
             key="dimension_choice", on_change=_on_dimension_choice, placeholder=tr("common.choose"))

index = dimension_ids.index(current_id)
on_legal_part = current_id == LEGAL_PART
if not on_legal_part:
    dimension = dimensions[index]
    competency = questionnaire.competency_of(dimension.id)
with st.container(key=PART_ANCHOR):  # the heading that "Volgende" moves the focus to
    st.header(questionnaire.legal_minimum.title.get(language) if on_legal_part else dimension.title.get(language),
              divider="gray", anchor=False)
if st.session_state.pop("part_changed", False):
    open_at_top(PART_ANCHOR)
if on_legal_part:
    st.caption(tr("questionnaire.legal_position", number=index + 1, total=len(dimension_ids)))
    st.markdown(questionnaire.legal_minimum.description.get(language))
    st.caption(tr("legal.not_averaged"))
else:
    st.caption(tr("questionnaire.dimension_position", competency=competency.title.get(language), number=index + 1,
                  total=len(dimension_ids)))
    st.markdown(dimension.description.get(language))
if questionnaire.instruction is not None and not on_legal_part:
    st.info(questionnaire.instruction.get(language), icon=":material/stairs:")


# --- saving ----------------------------------------------------------------------------------------
def _level_key(question_id: str) -> str:
    return f"level_{assessment.id}_{question_id}"


def _comment_key(question_id: str) -> str:
    return f"comment_{assessment.id}_{question_id}"


def _saved() -> None:
    st.session_state["saved_at"] = local_time(datetime.now(timezone.utc), "%H:%M:%S")
    st.toast(tr("questionnaire.saved"), icon=":material/check_circle:")


def _seen(question_id: str) -> tuple:
    """(value, comment) of the question as this page last showed them: a save that finds something else
    stored (a change from another tab or person) asks which version to keep instead of overwriting it."""
    return st.session_state.get(f"seen_{assessment.id}", {}).get(question_id, (None, ""))


def _conflict(question_id: str, field: str, mine, changed: service.AnswerChanged) -> None:
    st.session_state.setdefault("answer_conflicts", {})[question_id] = dict(field=field, mine=mine,
                                                                           theirs=changed.current)


def _kept_level(question_id: str) -> tuple:
    """The key of a level the database could not take yet (kept in this tab, made again on the next run)."""
    return ("answer", assessment.id, question_id)


def _kept_comment(question_id: str) -> tuple:
    return ("comment", assessment.id, question_id)


def _store_level(question_id: str, value, seen) -> bool:
    keep = dict(keep=_kept_level(question_id),
                on_changed=lambda changed: _conflict(question_id, "value", value, changed))
    try:
        if value is None:
            done, _ = attempt(service.clear_answer, db, actor=actor, assessment_id=assessment.id,
                              question_id=question_id, seen=seen, **keep)
        else:
            done, _ = attempt(service.save_answer, db, actor=actor, assessment_id=assessment.id,
                              question_id=question_id, value=value, seen=seen, **keep)
    except service.AnswerChanged as changed:
        _conflict(question_id, "value", value, changed)
        return False
    return done


def _save_level(question_id: str) -> None:
    if _store_level(question_id, st.session_state[_level_key(question_id)], _seen(question_id)[0]):
        _saved()


def _confirm(question_id: str) -> None:
    if attempt(service.confirm_answer, db, actor=actor, assessment_id=assessment.id, question_id=question_id)[0]:
        _saved()


def _confirm_part(question_ids: list[str]) -> None:
    if attempt(service.confirm_answers, db, actor=actor, assessment_id=assessment.id, question_ids=question_ids)[0]:
        _saved()


def _clear_level(question_id: str) -> None:
    st.session_state[_level_key(question_id)] = None
    _save_level(question_id)


def _store_comment(question_id: str, comment: str, seen) -> bool:
    key = _comment_key(question_id)
    try:
        done, _ = attempt(service.save_comment, db, actor=actor, assessment_id=assessment.id,
                          question_id=question_id, comment=comment, seen=seen, keep=_kept_comment(question_id),
                          on_changed=lambda changed: _conflict(question_id, "comment", comment, changed))
    except service.AnswerChanged as changed:
        _conflict(question_id, "comment", comment, changed)
        done = False
    if done:
        st.session_state.setdefault("unsaved_comments", set()).discard(key)
    else:
        st.session_state.setdefault("unsaved_comments", set()).add(key)  # keep what was typed on screen
    return done


def _save_comment(question_id: str) -> None:
    if _store_comment(question_id, st.session_state[_comment_key(question_id)], _seen(question_id)[1]):
        _saved()


def _keep_mine(question_id: str) -> None:
    """Overwrite the other version with this one (the person chose so)."""
    conflict = st.session_state["answer_conflicts"].pop(question_id)
    theirs = conflict["theirs"]
    if conflict["field"] == "value":
        done = _store_level(question_id, conflict["mine"], theirs.value if theirs else None)
    else:
        done = _store_comment(question_id, conflict["mine"], theirs.comment if theirs else "")
    if done:
        _saved()


def _keep_theirs(question_id: str) -> None:
    """Drop this version: the stored one stays, and is shown again."""
    st.session_state["answer_conflicts"].pop(question_id)
    st.session_state.setdefault("unsaved_comments", set()).discard(_comment_key(question_id))


show_page_error()

# --- the questions ---------------------------------------------------------------------------------
scale = questionnaire.scale
options = [1, 2, 3, 4, 5, NOT_APPLICABLE, DONT_KNOW]
legal_options = [service.YES, service.NO, DONT_KNOW]


def _option_label(question, value) -> str:
    if value == NOT_APPLICABLE:
        return f"**{scale.not_applicable.get(language)}**"
    if value == DONT_KNOW:
        return f"**{scale.dont_know.get(language)}**"
    label = scale.levels[value - 1].label.get(language)
    return f"**{value} · {label}** — {question.descriptor(value, language)}"


def _legal_label(value) -> str:
    minimum = questionnaire.legal_minimum
    return "**" + {service.YES: minimum.yes, service.NO: minimum.no}.get(value, scale.dont_know).get(language) + "**"


@dataclass(frozen=True)
class Item:
    """One thing to answer on this part: a question (a level) or a legal requirement (ja / nee / weet niet)."""

    key: str  # the answer's key in the service
    text: str
    help: str
    options: list
    label: Callable
    tags: list[str]


if on_legal_part:
    part_items = [Item(service.legal_key(item.id), f"{item.article} · {item.text.get(language)}",
                       item.help.get(language), legal_options, _legal_label, [])
                  for item in legal_items]
else:
    part_items = [Item(q.id, q.text.get(language), q.help.get(language), options,
                       lambda v, q=q: _option_label(q, v), q.tags)
                  for q in dimension.questions]


def show_conflict(question_id: str, conflict: dict) -> None:
    """Two versions of one answer: the other one (stored meanwhile) and this one (not stored); the person
    chooses. Both texts are shown as text."""
    theirs = conflict["theirs"]
    who = escape_md(who_text(theirs.answered_by)) if theirs and theirs.answered_by else tr("questionnaire.someone")
    when = local_time(theirs.updated_at, "%H:%M") if theirs else ""
    with st.container(border=True):
        if conflict["field"] == "value":
            st.warning(tr("questionnaire.conflict_value", who=who, time=when,
                          theirs=answer_label(theirs.value if theirs else None),
                          mine=answer_label(conflict["mine"])), icon=":material/sync_problem:")
        else:
            st.warning(tr("questionnaire.conflict_comment", who=who, time=when), icon=":material/sync_problem:")
            other, own = st.columns(2)
            other.caption(tr("questionnaire.their_text"))
            other.markdown("> " + (escape_md(theirs.comment) if theirs and theirs.comment else "–"))
            own.caption(tr("questionnaire.your_text"))
            own.markdown("> " + (escape_md(conflict["mine"]) or "–"))
        mine, other_button = st.columns(2)
        mine.button(tr("questionnaire.keep_mine"), key=f"keep_mine_{question_id}", on_click=_keep_mine,
                    args=(question_id,), type="primary", width="stretch")
        other_button.button(tr("questionnaire.keep_theirs"), key=f"keep_theirs_{question_id}",
                            on_click=_keep_theirs, args=(question_id,), width="stretch")


def answer_label(value) -> str:
    if value is None:
        return tr("answer.open")
    if value in (service.YES, service.NO):
        return _legal_label(value).strip("*")
    if value == NOT_APPLICABLE:
        return scale.not_applicable.get(language)
    if value == DONT_KNOW:
        return scale.dont_know.get(language)
    return f"{value} · {scale.levels[value - 1].label.get(language)}"


unsaved = st.session_state.get("unsaved_comments", set())
conflicts = st.session_state.get("answer_conflicts", {})
seen_now = st.session_state.setdefault(f"seen_{assessment.id}", {})
part_unchecked = [item.key for item in part_items if item.key in unchecked]
if part_unchecked and not read_only:
    note, confirm_all = st.columns([3, 2], vertical_alignment="center")
    note.markdown(tr("questionnaire.part_to_check", count=len(part_unchecked)))
    confirm_all.button(tr("questionnaire.confirm_part"), icon=":material/done_all:", on_click=_confirm_part,
                       args=(part_unchecked,), width="stretch", key="confirm_part")
for number, question in enumerate(part_items, start=1):
    stored = answers.get(question.key)
    level_key, comment_key = _level_key(question.key), _comment_key(question.key)
    # The database is the truth: every run shows what is stored (also changes from another device), except
    # what this tab could not store yet (the database was away): that stays on the screen, marked not saved.
    level_kept, comment_kept = pending(_kept_level(question.key)), pending(_kept_comment(question.key))
    st.session_state[level_key] = level_kept.get("value") if level_kept else (stored.value if stored else None)
    if comment_kept:
        st.session_state[comment_key] = comment_kept["comment"]
    elif comment_key not in unsaved:
        st.session_state[comment_key] = stored.comment if stored else ""
    seen_now[question.key] = (stored.value if stored else None, stored.comment if stored else "")
    with st.container(border=True):
        st.markdown(f"### {number}. {escape_md(question.text)}", anchors=False)  # h3 under the part's h2
        st.caption(escape_md(question.help))
        # the group is named by its question, so a screen reader hears what it answers
        st.radio(f"{number}. {question.text}", question.options, key=level_key, help=None,
                 format_func=question.label, on_change=_save_level,
                 args=(question.key,), disabled=read_only, label_visibility="collapsed")
        st.text_area(tr("questionnaire.comment"), key=comment_key, on_change=_save_comment, args=(question.key,),
                     disabled=read_only, max_chars=service.MAX_COMMENT, height=90,
                     placeholder=tr("questionnaire.comment_placeholder"))
        if level_kept or comment_kept:
            mark, again = st.columns([3, 1], vertical_alignment="center")
            mark.warning(tr("storage.pending_mark"), icon=":material/cloud_off:")
            again.button(tr("storage.retry_now"), key=f"retry_{question.key}", icon=":material/refresh:",
                         width="stretch")  # a run makes every kept write again
        if question.key in conflicts:
            show_conflict(question.key, conflicts[question.key])
        footer = []
        if stored and stored.value is not None:
            footer.append(tr("questionnaire.answered_at", time=local_time(stored.updated_at)))
        if stored and stored.answered_by:
            footer.append(tr("questionnaire.answered_by", person=escape_md(who_text(stored.answered_by))))
        tags = ", ".join(questionnaire.framework_item_title(tag, language) for tag in question.tags)
        if tags:
            footer.append(tr("questionnaire.tags", tags=tags))
        st.caption(" · ".join(footer))
        if stored and stored.carried_from:
            note, confirm = st.columns([3, 1], vertical_alignment="center")
            note.warning(tr("questionnaire.carried", period=stored.carried_from), icon=":material/history:")
            if not read_only:
                confirm.button(tr("questionnaire.confirm"), key=f"confirm_{question.key}", icon=":material/done:",
                               on_click=_confirm, args=(question.key,), width="stretch")
        if not read_only and stored and stored.value is not None:
            st.button(tr("questionnaire.clear"), key=f"clear_{question.key}", icon=":material/backspace:",
                      on_click=_clear_level, args=(question.key,))

if "saved_at" in st.session_state and not st.session_state.get("pending_writes"):
    st.caption(tr("questionnaire.all_saved", time=st.session_state["saved_at"]))

# --- next / previous -------------------------------------------------------------------------------
left, middle, right = st.columns(3)
if index > 0:
    left.button(tr("questionnaire.previous"), icon=":material/arrow_back:", on_click=_go_to_dimension,
                args=(dimension_ids[index - 1],), width="stretch")
if index < len(dimension_ids) - 1:
    right.button(tr("questionnaire.next"), icon=":material/arrow_forward:", on_click=_go_to_dimension,
                 args=(dimension_ids[index + 1],), type="primary", width="stretch")
    if middle.button(tr("questionnaire.to_results"), icon=":material/radar:", width="stretch"):
        go_to(PAGE_RESULTS, assessment.id)
elif right.button(tr("questionnaire.done"), icon=":material/radar:", type="primary", width="stretch"):
    go_to(PAGE_RESULTS, assessment.id)
open_left = total - len(answered) + len(legal_items) - len(legal_answered)
if index == len(dimension_ids) - 1 and open_left:
    st.caption(tr("questionnaire.open_left", count=open_left))
st.caption(tr("questionnaire.coverage_note", threshold=format_percent(questionnaire.scoring.min_coverage, language)))
