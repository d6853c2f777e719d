"""Stemmen (participant, made for a phone): join with the code and a role, then vote per question.

One browser keeps one seat per workshop: the seat is remembered in a cookie, and joining again (the same
link, a second tab, a refresh of the join page) gives the same seat back, without asking the role again. The
role starts unchosen: nobody is counted in a role they did not choose. Wrong codes are slowed down. The page
asks for its ballot every 2 seconds, which keeps the seat present (`workshop.ballot`). After a vote, its
confirmation stays at the top of the screen, also when the choice was made further down.
"""

import html
import re

import streamlit as st

from workshops import service as workshop
from ui.language import lang, tr
from ui.session import (STALE, StorageUnavailable, attempt, database, pending, retry_pending, show_storage_problem,
                        storage_text)
from ui.workshop_view import (JOIN_THROTTLE, ballot_questionnaire, is_legal, item_help, item_text, join_throttle_key,
                              remember_seat_script, value_label)

PARAM_SEAT, PARAM_CODE = "seat", "code"
db = database()
language = lang()
# made for a phone: large touch targets (our own fixed CSS, no user text in it)
st.html("<style>[data-testid='stRadio'] label{padding:0.45rem 0}[data-testid='stRadio'] label p{font-size:1.1rem}"
        "</style>")



def remembered_seat(code: str) -> str | None:
    """The seat this browser already has in the workshop with this code (from its cookie), if any."""
    code = (code or "").strip().upper()
    return st.context.cookies.get(f"kb_seat_{code}") if re.fullmatch(r"[A-Z0-9]{4,12}", code) else None


def go_to_seat(seat: str, code: str) -> None:
    st.session_state["remember_seat"] = (code.strip().upper(), seat)
    st.query_params.clear()
    st.query_params.update({PARAM_SEAT: seat, "lang": language})  # the seat survives a refresh
    st.rerun()


seat_token = st.query_params.get(PARAM_SEAT)
if not seat_token:
    st.title(tr("nav.vote"), anchor=False)
    st.caption(tr("workshop.anonymous"))
    code_in_link = st.query_params.get(PARAM_CODE, "")
    earlier = remembered_seat(code_in_link)
    if earlier:  # this browser has a seat here already: back to it, no second seat
        try:
            workshop.ballot(db, participant_token=earlier)
        except workshop.WorkshopError:
            pass
        else:
            go_to_seat(earlier, code_in_link)
    code = st.text_input(tr("workshop.enter_code"), value=code_in_link, max_chars=12, key="join_code")
    roles = {r: tr(f"workshop.role_{r}") for r in workshop.ROLES}
    st.caption(tr("workshop.choose_role"))
    role = st.radio(tr("workshop.your_role"), list(roles), format_func=roles.__getitem__, key="join_role",
                    index=None)
    browser_key = join_throttle_key(st.context)
    if st.button(tr("workshop.join"), type="primary", width="stretch"):
        wait = JOIN_THROTTLE.wait_seconds(browser_key)
        if wait:
            st.error(tr("workshop.too_many_tries", count=wait), icon=":material/timer:")
            st.stop()
        try:
            _, seat_token = workshop.join(db, code=code, role=role or "", existing_seat=remembered_seat(code))
        except workshop.WorkshopError as error:
            if error.code == "unknown_code":
                JOIN_THROTTLE.failed(browser_key)
            st.error(tr(f"workshop.{error.code}"))
        else:
            JOIN_THROTTLE.succeeded(browser_key)
            go_to_seat(seat_token, code)
    st.stop()

if "remember_seat" in st.session_state:  # the browser keeps its seat (a cookie for this workshop's code)
    st.html(remember_seat_script(*st.session_state.pop("remember_seat")), unsafe_allow_javascript=True,
            width="content")

seats = st.session_state.setdefault("seats_known", {})
try:
    seats[seat_token] = workshop.seat(db, participant_token=seat_token)
except workshop.WorkshopError as error:
    st.error(tr(f"workshop.{error.code}"))
    st.stop()
except StorageUnavailable:
    if seat_token not in seats:  # never seen in this tab: the page runner says the page cannot be shown
        raise
    st.session_state[STALE] = True  # the ballot below says so, and keeps a vote not sent on the screen
current, role = seats[seat_token]
questionnaire = ballot_questionnaire(current)
st.title(tr("nav.vote"), anchor=False)  # the page's h1; each question below is an h2


def _on_vote(question_id: str, key: str) -> None:
    # a vote the database cannot take now is kept in this tab and sent again (every 2 seconds, with the ballot)
    done, _ = attempt(workshop.cast_vote, db, participant_token=seat_token, question_id=question_id,
                      value=st.session_state[key], keep=("vote", seat_token, question_id))
    if not done:
        st.session_state["vote_error"] = st.session_state.pop("page_error")


@st.fragment(run_every=2)
def ballot() -> None:
    """Follows the facilitator: the open question(s) appear here by themselves, every 2 seconds; a vote that
    was not sent (the database was away) is sent again then, and shown as not sent until it is."""
    retry_pending()
    if "page_error" in st.session_state:
        st.session_state["vote_error"] = st.session_state.pop("page_error")
    try:
        shown_ballot()
    except StorageUnavailable as unavailable:
        message = st.session_state.pop("vote_error", None)
        kept_votes = [keep for keep in st.session_state.get("pending_writes", {}) if keep[0] == "vote"]
        if kept_votes:  # the vote not sent stays on the phone, marked, and goes by itself when the database is back
            st.error(message or storage_text(unavailable, "storage.kept_vote"), icon=":material/cloud_off:")
        else:
            show_storage_problem(unavailable)
        for keep in list(st.session_state.get("pending_writes", {})):
            kept = pending(keep)
            if keep[0] == "vote" and questionnaire is not None:
                st.markdown(f"## {item_text(questionnaire, keep[2], language)}", anchors=False)
                st.warning(value_label(questionnaire, kept["value"]) + " · " + tr("storage.vote_pending"),
                           icon=":material/cloud_off:")
                st.button(tr("storage.vote_pending"), key=f"again_{keep[2]}", icon=":material/refresh:")


def shown_ballot() -> None:
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
    problem = st.empty()  # like the confirmation below: always in its place, so nothing below it moves
    if "vote_error" in st.session_state:
        problem.error(st.session_state.pop("vote_error"))
    mine = {qid: workshop.my_vote(db, participant_token=seat_token, question_id=qid) for qid in shown}
    received = [qid for qid in shown if states[qid].state == "voting" and mine[qid]]
    # The confirmation's place is always there (empty until a vote is received), so the questions below keep
    # their place on the page from one refresh to the next and nothing of an earlier round can stay behind.
    confirmation = st.empty()
    if len(shown) == 1 and received:  # at the top of the screen, also when the choice was made further down
        text = tr("workshop.vote_received", value=value_label(questionnaire, mine[received[0]]))
        confirmation.html(f'<div role="status" data-testid="vote-received" style="position:fixed;top:0;left:0;right:0;'
                f'z-index:999990;background:#DCFCE7;color:#14532D;border-bottom:2px solid #15803D;'
                f'padding:0.7rem 1rem;font-size:1rem;font-weight:600">{html.escape(text)}</div>', width="stretch")
    for question_id in shown:
        state = states[question_id]
        legal = is_legal(question_id)  # a legal requirement: ja / nee / weet niet, no levels
        question = None if legal else questionnaire.question(question_id)
        with st.container(border=len(shown) > 1):
            st.markdown(f"## {item_text(questionnaire, question_id, language)}", anchors=False)
            st.caption(item_help(questionnaire, question_id, language))
            if questionnaire.instruction is not None and not legal:
                st.caption(questionnaire.instruction.get(language))
            key = f"vote_{question_id}_{state.round}"
            kept = pending(("vote", seat_token, question_id))
            st.session_state[key] = kept["value"] if kept else mine[question_id]
            # the group is named by its question, so a screen reader hears what it answers
            st.radio(item_text(questionnaire, question_id, language), workshop.values_for(question_id), key=key,
                     on_change=_on_vote,
                     args=(question_id, key),
                     disabled=state.state != "voting", label_visibility="collapsed",
                     format_func=lambda v, q=question: value_label(questionnaire, v) + (
                         f" — {q.descriptor(int(v), language)}" if v.isdigit() else ""))
            if state.state != "voting":
                st.info(tr("workshop.voting_closed_now"))
            elif kept:
                st.warning(tr("storage.vote_pending"), icon=":material/cloud_off:")
                st.button(tr("storage.vote_pending"), key=f"again_{question_id}", icon=":material/refresh:")
            elif st.session_state[key]:
                st.success(tr("workshop.vote_saved"), icon=":material/how_to_vote:")


ballot()
