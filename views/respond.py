"""Invullen (a respondent, made for a phone): one colleague answers the scan on their own, from a personal link.

The link holds the assessment and the respondent's token (`?a=...&t=...`); it reaches only this respondent's
own answers, with no navigation. An invitation of a member works only for that member, signed in (they open it
from their Start page). The role comes first (a name is optional); every answer and comment is
saved the moment it is given, so the same link later opens where the respondent left off. When the questionnaire
has a legal minimum, its requirements are the last part (ja / nee / weet niet), as on the questionnaire page.
"""

import streamlit as st

from respondents import service as respondents
from scoring.legal import is_legal_key, legal_key
from scoring.respondents import ROLES
from ui.progress import progress
from ui.language import lang, tr
from ui.messages import input_error_text
from ui.safe_text import escape_md
from ui.session import STALE, StorageUnavailable, catalog, database, storage_text
from ui.url_state import PARAM_ASSESSMENT, open_at_top
from ui.identity import auth_configured, current_actor, sign_in
from ui.workshop_view import LEGAL_GROUP, value_label

PARAM_TOKEN = "t"
PART_ANCHOR = "respond-part"
db = database()
language = lang()
actor = current_actor()  # None when nobody is signed in: only a member's invitation needs someone
# made for a phone: large touch targets (our own fixed CSS, no user text in it)
st.html("<style>[data-testid='stRadio'] label{padding:0.45rem 0}[data-testid='stRadio'] label p{font-size:1.05rem}"
        "</style>")

assessment_id = st.query_params.get(PARAM_ASSESSMENT, "")
token = st.query_params.get(PARAM_TOKEN, "")
st.title(tr("respond.title"), anchor=False)
try:
    state = respondents.respondent_state(db, assessment_id=assessment_id, token=token, actor=actor)
except respondents.RespondentError as error:
    st.error(tr(f"respondents.{error.code}"), icon=":material/link_off:")
    if error.code == "member_only" and actor is None and auth_configured():
        st.button(tr("access.sign_in"), on_click=sign_in, type="primary", icon=":material/login:")
    st.stop()
questionnaire = catalog().get(*state.questionnaire)
if questionnaire is None:
    st.error(tr("respond.questionnaire_missing"))
    st.stop()

st.caption(tr("respond.for", organisation=escape_md(state.organisation_name), period=state.period))
if state.deadline:
    st.caption(tr("respond.deadline", date=state.deadline.strftime("%d-%m-%Y")))
if state.closed:
    st.warning(tr(f"respondents.{state.closed}"), icon=":material/lock_clock:")
KEPT = "respond_kept"  # answers and comments the database could not take yet: saved again at every run


def _saving(save, keep: tuple[str, str] | None = None, **fields) -> bool:
    """Save by this link (a widget's callback); a refusal becomes the message at the top of the next run. When
    the database cannot be used just now, an answer or comment (`keep`: ("answer" or "comment", question id))
    stays on the page, marked, and is saved again at the next run (the page looks every 5 seconds whether the
    database is back): saving sets a value, so it may be made again."""
    try:
        save(db, assessment_id=assessment_id, token=token, actor=actor, **fields)
    except respondents.RespondentError as error:
        st.session_state["respond_error"] = tr(f"respondents.{error.code}")
    except respondents.service.InputError as error:
        st.session_state["respond_error"] = input_error_text(error)
    except StorageUnavailable as unavailable:  # the database is away: say so; the choice stays on the page
        if keep is None:
            st.session_state["respond_error"] = storage_text(unavailable)
            return False
        st.session_state.setdefault(KEPT, {})[keep] = (save, fields)
        st.session_state["respond_error"] = storage_text(unavailable, f"storage.kept_{keep[0]}")
        return False
    else:
        if keep is not None:
            st.session_state.get(KEPT, {}).pop(keep, None)
        return True
    if keep is not None:  # refused now (e.g. the deadline passed): not tried again
        st.session_state.get(KEPT, {}).pop(keep, None)
    return False


for kept_key, (kept_save, kept_fields) in list(st.session_state.get(KEPT, {}).items()):
    if not _saving(kept_save, keep=kept_key, **kept_fields) and kept_key in st.session_state.get(KEPT, {}):
        break  # still away: the rest waits too
if st.session_state.get(KEPT):
    st.session_state[STALE] = True  # the page runner looks every 5 seconds whether the database is back
if "respond_error" in st.session_state:
    st.error(st.session_state.pop("respond_error"), icon=":material/error:")


def _save_profile() -> None:
    _saving(respondents.choose_role, role=st.session_state["respond_role"],
            name=st.session_state.get("respond_name", ""))


roles = {r: tr(f"workshop.role_{r}") for r in ROLES}
if state.role is None:
    st.markdown(tr("respond.intro"))
    st.radio(tr("respond.your_role"), list(roles), format_func=roles.__getitem__, key="respond_role", index=None,
             disabled=bool(state.closed))
    st.text_input(tr("respond.your_name"), max_chars=respondents.MAX_NAME, key="respond_name",
                  disabled=bool(state.closed))
    if st.button(tr("respond.begin"), type="primary", width="stretch", disabled=bool(state.closed)):
        if not st.session_state.get("respond_role"):
            st.error(tr("respondents.unknown_role"))
            st.stop()
        _save_profile()
        st.rerun()
    st.stop()

with st.expander(tr("respond.you_are", role=roles[state.role], name=escape_md(state.name) or tr("respond.no_name"))):
    st.session_state.setdefault("respond_role", state.role)
    st.session_state.setdefault("respond_name", state.name)
    st.radio(tr("respond.your_role"), list(roles), format_func=roles.__getitem__, key="respond_role",
             disabled=bool(state.closed))
    st.text_input(tr("respond.your_name"), max_chars=respondents.MAX_NAME, key="respond_name",
                  disabled=bool(state.closed))
    st.button(tr("respond.save_profile"), on_click=_save_profile, disabled=bool(state.closed))

total = len(questionnaire.questions())
answered = [key for key in state.answers if not is_legal_key(key)]
legal_items = questionnaire.legal_items()
legal_answered = [item for item in legal_items if legal_key(item.id) in state.answers]
progress(len(answered) / total if total else 0.0, tr("respond.progress", count=len(answered), total=total))
if legal_items:
    progress(len(legal_answered) / len(legal_items),
             tr("respond.legal_progress", count=len(legal_answered), total=len(legal_items)))


def _on_value(question_id: str, key: str) -> None:
    _saving(respondents.save_respondent_answer, keep=("answer", question_id), questionnaire=questionnaire,
            question_id=question_id, value=st.session_state[key])


def _on_comment(question_id: str, key: str) -> None:
    _saving(respondents.save_respondent_answer, keep=("comment", question_id), questionnaire=questionnaire,
            question_id=question_id, comment=st.session_state[key])


dimensions = questionnaire.dimensions()
titles = {d.id: d.title.get(language) for d in dimensions}
# what each part asks: the questions of a dimension, or the legal requirements (the last part, by their key)
part_keys = {d.id: [q.id for q in d.questions] for d in dimensions}
if legal_items:
    titles[LEGAL_GROUP] = questionnaire.legal_minimum.title.get(language)
    part_keys[LEGAL_GROUP] = [legal_key(item.id) for item in legal_items]
ids = list(titles)
if "respond_part" not in st.session_state:  # a new visit opens at the first part with an open question
    st.session_state["respond_part"] = next(
        (part for part in ids if any(key not in state.answers for key in part_keys[part])), ids[0])


def _move(step: int) -> None:
    position = ids.index(st.session_state["respond_part"]) + step
    st.session_state["respond_part"] = ids[max(0, min(len(ids) - 1, position))]
    st.session_state["respond_moved"] = True


st.selectbox(tr("respond.part"), ids, key="respond_part",
             format_func=lambda d: f"{titles[d]} ({sum(k in state.answers for k in part_keys[d])}/{len(part_keys[d])})")
part = st.session_state["respond_part"]
with st.container(key=PART_ANCHOR):  # the heading that "Volgende" moves the focus to
    st.header(titles[part], anchor=False)
if st.session_state.pop("respond_moved", False):
    open_at_top(PART_ANCHOR)
if part == LEGAL_GROUP:  # ja / nee / weet niet per requirement, never part of a score
    st.markdown(questionnaire.legal_minimum.description.get(language))
    st.caption(tr("legal.not_averaged"))
    items = [(legal_key(item.id), f"{item.article} · {item.text.get(language)}", item.help.get(language), None)
             for item in legal_items]
else:
    if questionnaire.instruction is not None:
        st.info(questionnaire.instruction.get(language), icon=":material/stairs:")
    items = [(q.id, q.text.get(language), q.help.get(language), q) for q in questionnaire.dimension(part).questions]
for number, (item_key, text, help_text, question) in enumerate(items, start=1):
    with st.container(border=True):
        st.markdown(f"**{number}. {text}**")
        if help_text:
            st.caption(help_text)
        key = f"respond_value_{item_key}"
        if key not in st.session_state:
            stored = state.answers.get(item_key)
            st.session_state[key] = None if stored is None else str(stored)
        # the group is named by its question, so a screen reader hears what it answers
        st.radio(f"{number}. {text}", respondents.values_for(item_key), key=key, index=None, on_change=_on_value,
                 args=(item_key, key), disabled=bool(state.closed), label_visibility="collapsed",
                 format_func=lambda v, q=question: value_label(questionnaire, v) + (
                     f" — {q.descriptor(int(v), language)}" if v.isdigit() else ""))
        comment_key = f"respond_comment_{item_key}"
        st.session_state.setdefault(comment_key, state.comments.get(item_key, ""))
        st.text_area(tr("respond.comment"), key=comment_key, on_change=_on_comment, args=(item_key, comment_key),
                     disabled=bool(state.closed), height=80, max_chars=respondents.service.MAX_COMMENT)
        if any(kept[1] == item_key for kept in st.session_state.get(KEPT, {})):
            st.warning(tr("storage.pending_mark"), icon=":material/cloud_off:")
position = ids.index(part)
left, right = st.columns(2)
left.button(tr("respond.previous"), on_click=_move, args=(-1,), disabled=position == 0, width="stretch",
            icon=":material/arrow_back:")
right.button(tr("respond.next"), on_click=_move, args=(1,), disabled=position == len(ids) - 1, width="stretch",
             icon=":material/arrow_forward:", type="primary")
if len(answered) == total and len(legal_answered) == len(legal_items):
    st.success(tr("respond.all_done"), icon=":material/task_alt:")
else:
    st.caption(tr("respond.saved_as_you_go"))
