"""Stemmen (participant, made for a phone): join with the code and a role, then vote per question."""

import streamlit as st

from assessment import workshop
from ui.common import database, lang, tr
from ui.workshop_view import VALUE_ORDER, ballot_questionnaire, value_label

PARAM_SEAT, PARAM_CODE = "seat", "code"
db = database()
language = lang()
# made for a phone: large touch targets (our own fixed CSS, no user text in it)
st.html("<style>[data-testid='stRadio'] label{padding:0.45rem 0}[data-testid='stRadio'] label p{font-size:1.1rem}"
        "</style>")

seat_token = st.query_params.get(PARAM_SEAT)
if not seat_token:
    st.title(tr("nav.vote"))
    st.caption(tr("workshop.anonymous"))
    code = st.text_input(tr("workshop.enter_code"), value=st.query_params.get(PARAM_CODE, ""), max_chars=12,
                         key="join_code")
    roles = {r: tr(f"workshop.role_{r}") for r in workshop.ROLES}
    role = st.radio(tr("workshop.your_role"), list(roles), format_func=roles.__getitem__, key="join_role")
    if st.button(tr("workshop.join"), type="primary", width="stretch"):
        try:
            _, seat_token = workshop.join(db, code=code, role=role)
        except workshop.WorkshopError as error:
            st.error(tr(f"workshop.{error.code}"))
        else:
            st.query_params.clear()
            st.query_params.update({PARAM_SEAT: seat_token, "lang": language})  # the seat survives a refresh
            st.rerun()
    st.stop()

try:
    current, role = workshop.seat(db, participant_token=seat_token)
except workshop.WorkshopError as error:
    st.error(tr(f"workshop.{error.code}"))
    st.stop()
questionnaire = ballot_questionnaire(current)


def _on_vote(question_id: str, key: str) -> None:
    try:
        workshop.cast_vote(db, participant_token=seat_token, question_id=question_id, value=st.session_state[key])
    except workshop.WorkshopError as error:
        st.session_state["vote_error"] = tr(f"workshop.{error.code}")


@st.fragment(run_every=2)
def ballot() -> None:
    """Follows the facilitator: the open question(s) appear here by themselves, every 2 seconds."""
    try:
        latest, states = workshop.ballot(db, participant_token=seat_token)
    except workshop.WorkshopError as error:  # the workshop ended meanwhile
        st.error(tr(f"workshop.{error.code}"))
        return
    open_now = [qid for qid in latest.question_ids if states[qid].state == "voting"]
    shown = open_now or ([latest.current_question_id] if latest.current_question_id else [])
    if not shown or questionnaire is None:
        st.info(tr("workshop.wait"))
        return
    if "vote_error" in st.session_state:
        st.error(st.session_state.pop("vote_error"))
    for question_id in shown:
        state = states[question_id]
        question = questionnaire.question(question_id)
        with st.container(border=len(shown) > 1):
            st.markdown(f"### {question.text.get(language)}")
            st.caption(question.help.get(language))
            key = f"vote_{question_id}_{state.round}"
            st.session_state[key] = workshop.my_vote(db, participant_token=seat_token, question_id=question_id)
            st.radio(tr("workshop.your_vote"), VALUE_ORDER, key=key, on_change=_on_vote, args=(question_id, key),
                     disabled=state.state != "voting", label_visibility="collapsed",
                     format_func=lambda v, q=question: value_label(questionnaire, v) + (
                         f" — {q.descriptor(int(v), language)}" if v.isdigit() else ""))
            if state.state != "voting":
                st.info(tr("workshop.voting_closed_now"))
            elif st.session_state[key]:
                st.success(tr("workshop.vote_saved"), icon=":material/how_to_vote:")


ballot()
