"""Scherm (projector): what a room follows on the big screen. While a question waits, a large QR code and the
address with the code; during voting the question, a ring that fills as votes arrive, and the QR code in a
corner for late joiners; after the reveal the distribution as large bars, the median and the agreement in
words (a legal item of the legal minimum: bars of ja / nee / weet niet, the answer most people gave and how many,
and the agreement in words from that answer's share; no median). Sizes are in vmin, so the screen reads the same on a 1280x720 beamer and a 1920x1080 screen.

The link carries the workshop's projector token (`?screen=`): this screen and nothing else, no sign-in. With
the facilitator's token as well (`&ft=`) and a signed-in facilitator, a control strip leads the whole session
from here (the same buttons as the facilitator page, the agreed answer with its rationale, ending the
workshop), so nothing but this page needs to be shown; it disappears when the workshop ends.
"""

import html

import streamlit as st

from access import AccessDenied
from workshops import service as workshop
from i18n import format_number
from scoring.agreement import agreement_band
from ui.language import lang, tr
from ui.session import attempt, database, fragment, show_page_error
from ui.workshop_view import (agreed_form, bars_html, heading_line, is_legal, item_text, join_link, lead_buttons,
                              legal_outcome_text, qr_img, ring_svg, role_line_text, roles_hidden_text,
                              screen_questionnaire, short_address, value_label)

PARAM_SCREEN, PARAM_TOKEN = "screen", "ft"
REFRESH_SECONDS = 1  # a vote shows within a second; see README, "Sizing"
db = database()
language = lang()
# presentation mode: no sidebar, no Streamlit header, full width (our own fixed CSS, no user text in it)
st.html("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],[data-testid='stHeader']"
        "{display:none}[data-testid='stMainBlockContainer']{padding:2vmin 3vmin;max-width:100%}</style>")

token = st.query_params.get(PARAM_SCREEN, "")
try:
    first = workshop.screen(db, projector_token=token)
except workshop.WorkshopError as error:
    st.error(tr(f"workshop.{error.code}"))
    st.stop()
questionnaire = screen_questionnaire(first)


def facilitator_controls():
    """The facilitator's strip: only with the facilitator's token and a signed-in person who leads workshops."""
    from ui.identity import current_actor

    facilitator_token = st.query_params.get(PARAM_TOKEN)
    actor = current_actor()
    if not facilitator_token or actor is None:
        return None
    try:
        workshop.get_workshop(db, actor=actor, workshop_id=first.workshop.id, token=facilitator_token)
    except (workshop.WorkshopError, AccessDenied):
        return None
    return actor, facilitator_token


controls = facilitator_controls()


def _say(text: str, size: float, weight: int = 400, tag: str = "p") -> str:
    return (f'<{tag} style="font-size:{size}vmin;font-weight:{weight};line-height:1.2;margin:0.8vmin 0;'
            f'color:#0F172A">{html.escape(text)}</{tag}>')


def _join_block(code: str, big: bool) -> str:
    link = join_link(code, language)
    alt = tr("workshop.qr_alt", url=short_address(), code=code)
    if big:
        return (f'<div style="display:flex;gap:5vmin;align-items:center">{qr_img(link, alt, "44vmin")}<div>'
                + _say(tr("workshop.go_to"), 4.5) + _say(short_address(), 5, 700)
                + _say(tr("workshop.enter_the_code"), 4.5) + _say(code, 11, 800) + "</div></div>")
    return (f'<div style="position:fixed;right:2vmin;bottom:2vmin;text-align:center;background:#fff;'
            f'padding:1vmin;border:1px solid #CBD5E1;border-radius:1vmin">{qr_img(link, alt, "16vmin")}'
            + _say(code, 3.6, 800) + "</div>")


@fragment(run_every=REFRESH_SECONDS)
def screen() -> None:
    try:
        view = workshop.screen(db, projector_token=token)
    except workshop.WorkshopError as error:  # ended meanwhile
        st.error(tr(f"workshop.{error.code}"))
        return
    question = view.question
    code = view.workshop.join_code
    if question is None or questionnaire is None or (question.state == "waiting" and not view.started):
        parts = [_say(tr("workshop.title"), 3, 700, "h1"), _join_block(code, big=True),
                 _say(tr("workshop.in_the_room", count=view.participants), 4)]
        st.html("".join(parts))
        return
    head = _say(heading_line(list(view.workshop.question_ids), question), 3)
    text = _say(item_text(questionnaire, question.question_id, language), 5.2, 700, "h1")
    voted = tr("workshop.voted", voted=view.voted, participants=view.participants)
    if view.results is None:
        waiting = tr({"voting": "workshop.vote_now", "waiting": "workshop.starts_soon"}.get(question.state,
                                                                                             "workshop.hidden"))
        done = _say(tr("workshop.everyone_voted"), 4.2, 700) if view.everyone_voted and question.phase == "voting" \
            else ""
        body = (f'<div style="display:flex;gap:5vmin;align-items:center">{ring_svg(view.voted, view.participants, voted)}'
                f'<div>{_say(voted, 5, 700)}{done}{_say(waiting, 3.6)}</div></div>')
        st.html(head + text + body + _join_block(code, big=False))
        return
    summary = view.results.summary
    legal = is_legal(question.question_id)
    if legal:  # no median: which answer most people gave, and the agreement from its share
        band = summary.band
        facts = [_say(legal_outcome_text(questionnaire, summary), 4.6, 700)]
    else:
        band = agreement_band(summary.agreement)
        facts = [_say(tr("workshop.median_big", median="–" if summary.median is None else
                         format_number(summary.median, language)), 4.6, 700)]
    if band:
        facts.append(_say(tr(f"workshop.agreement_{band}"), 4, 700 if band == "split" else 400))
    if view.results.changed is not None:
        facts.append(_say(tr("workshop.changed", count=view.results.changed), 3.4))
    if view.results.by_role:  # roles with at least 3 voters, their median (or most given answer) only
        roles = " · ".join(f"{tr(f'workshop.role_{role}')}: {role_line_text(questionnaire, question.question_id, line)}"
                           for role, line in view.results.by_role.items())
        facts.append(_say(tr("workshop.legal_by_role_line" if legal else "workshop.by_role_line", roles=roles), 3))
    if view.results.hidden_roles:
        facts.append(_say(roles_hidden_text(view.results), 2.6))
    if question.agreed_value:
        facts.append(_say(tr("workshop.recorded", value=value_label(questionnaire, question.agreed_value)), 3.6,
                          700))
    facts.append(_say(voted, 3))
    st.html(head + text + f'<div style="display:flex;gap:4vmin;align-items:flex-start">'
                          f'<div style="flex:3">{bars_html(questionnaire, view.results)}</div>'
                          f'<div style="flex:2">{"".join(facts)}</div></div>')


screen()

if controls is not None:
    actor, facilitator_token = controls

    @fragment(run_every=2)
    def strip() -> None:
        """The facilitator's strip: everything the facilitator page does. It follows presses on that page or in
        another tab within 2 seconds, and is gone once the workshop has ended."""
        try:
            current = workshop.screen(db, projector_token=token)
        except workshop.WorkshopError:
            return
        states = workshop.question_states(db, actor=actor, workshop_id=current.workshop.id, token=facilitator_token)
        ids = list(current.workshop.question_ids)
        state = states[current.question.question_id if current.question else ids[0]]
        with st.container(border=True):
            st.markdown(f"**{tr('workshop.strip_label')}** · {heading_line(ids, state)}")
            show_page_error()
            lead_buttons(db, actor, current.workshop.id, facilitator_token, ids, state, prefix="strip")
            agreed_form(db, actor, current.workshop.id, facilitator_token, questionnaire, state,
                        current.results.summary if current.results else None, prefix="strip")
            if st.session_state.get("confirm_end") == current.workshop.id:
                st.warning(tr("workshop.end_confirm"), icon=":material/warning:")
                yes, no, _ = st.columns([2, 2, 4])
                if yes.button(tr("workshop.end_yes"), type="primary", width="stretch", key="strip_end_yes"):
                    st.session_state.pop("confirm_end", None)
                    attempt(workshop.end_workshop, db, actor=actor, workshop_id=current.workshop.id,
                            token=facilitator_token)
                    st.rerun()
                if no.button(tr("start.delete_no"), width="stretch", key="strip_end_no"):
                    st.session_state.pop("confirm_end", None)
                    st.rerun(scope="fragment")
            elif st.button(tr("workshop.end"), icon=":material/event_busy:", key="strip_end"):
                st.session_state["confirm_end"] = current.workshop.id
                st.rerun(scope="fragment")
            st.caption(tr("workshop.strip_help"))

    strip()
