"""Workshop (facilitator): start a session, show the join code and QR code, lead question by question. The legal
minimum of the questionnaire is offered as one more group beside its parts ("Wettelijk minimum")."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from access import WORKSHOP
from workshops import discussion
from workshops import service as workshop
from i18n import format_number
from ui.charts import show_chart
from ui.language import lang, tr
from ui.safe_text import escape_md
from ui.session import attempt, database, fragment, me, permissions_in, show_page_error
from ui.url_state import assessment_header, require_assessment
from ui.workshop_view import (LEGAL_GROUP, agreed_form, heading_line, is_legal, item_text, join_link, lead_buttons,
                              legal_keys, short_address, show_qr, show_results, value_label, workshop_or_stop)

PARAM_WORKSHOP, PARAM_TOKEN = "w", "ft"

assessment, questionnaire = require_assessment()
db = database()
actor = me()
language = lang()
st.title(tr("workshop.title"), anchor=False)
assessment_header(assessment, questionnaire)
if WORKSHOP not in permissions_in(assessment.organisation_id):
    st.info(tr("workshop.no_right"), icon=":material/lock:")
    st.stop()

workshop_id, token = st.query_params.get(PARAM_WORKSHOP), st.query_params.get(PARAM_TOKEN)
if not (workshop_id and token):
    st.markdown(tr("workshop.intro"))
    items = discussion.discussion_items(db, actor=actor, assessment_id=assessment.id)
    scopes = (["list"] if items else []) + ["all", "competency", "dimensions"]
    if st.session_state.get("workshop_scope") not in scopes:  # the list emptied since: start over
        st.session_state.pop("workshop_scope", None)
    scope = st.radio(tr("workshop.scope"), scopes, horizontal=True, key="workshop_scope",
                     format_func=lambda v: tr(f"workshop.scope_{v}", count=len(items)))
    titles = {d.id: d.title.get(language) for d in questionnaire.dimensions()}
    if questionnaire.legal_items():  # the legal minimum as one group, after the parts
        titles[LEGAL_GROUP] = questionnaire.legal_minimum.title.get(language)
    if items:
        with st.container(border=True):
            st.markdown(f"**{tr('workshop.list_title')}**")
            for item in items:
                text, button = st.columns([6, 1], vertical_alignment="center")
                text.markdown(f"{questionnaire.question(item.question_id).text.get(language)} · "
                              f"_{tr('workshop.list_source_' + item.source)}_")
                button.button(tr("workshop.list_remove"), key=f"unlist_{item.question_id}",
                              on_click=attempt, args=(discussion.remove_item, db),
                              kwargs=dict(actor=actor, assessment_id=assessment.id, question_id=item.question_id))
            st.caption(tr("workshop.list_hint"))
    if scope == "list":
        chosen = []
    elif scope == "all":
        chosen = [d.id for d in questionnaire.dimensions()]
    elif scope == "competency":
        competencies = {c.id: c for c in questionnaire.competencies}
        picked = st.selectbox(tr("workshop.choose_competency"), list(competencies), key="workshop_competency",
                              format_func=lambda cid: competencies[cid].title.get(language),
                                  placeholder=tr("common.choose"))
        chosen = [d.id for d in competencies[picked].dimensions]
    else:
        chosen = st.multiselect(tr("workshop.choose_dimensions"), list(titles), format_func=titles.__getitem__,
                                key="workshop_dimensions", placeholder=tr("common.choose_many"))
    if st.button(tr("workshop.start"), type="primary", icon=":material/groups:"):
        questions = ([item.question_id for item in items] if scope == "list" else
                     [q.id for d in questionnaire.dimensions() if d.id in chosen for q in d.questions]
                     + (legal_keys(questionnaire) if LEGAL_GROUP in chosen else []))
        done, outcome = attempt(workshop.start_workshop, db, actor=actor, assessment_id=assessment.id,
                                questionnaire=questionnaire, question_ids=questions)
        if done:
            started, token = outcome
            st.query_params.update({PARAM_WORKSHOP: started.id, PARAM_TOKEN: token})
            st.rerun()
        show_page_error()
    st.stop()

current = workshop_or_stop(db, actor, workshop_id, token, assessment.id)
st.caption(tr("workshop.keep_link"))

# --- how to join -----------------------------------------------------------------------------------------
if current.closed:
    st.info(tr("workshop.ended"), icon=":material/event_busy:")
left, right = st.columns([3, 1])
with left:
    st.markdown(f"## {tr('workshop.join_code')}: :blue[{current.join_code}]", anchors=False)
    st.markdown(tr("workshop.join_at", url=f"`{short_address()}`"))
    st.page_link("views/projector.py", label=tr("workshop.screen_link_controls"), icon=":material/tv:",
                 query_params={"screen": current.projector_token, "ft": token, "lang": language})
    st.page_link("views/projector.py", label=tr("workshop.screen_link"), icon=":material/cast:",
                 query_params={"screen": current.projector_token, "lang": language})
with right:
    show_qr(join_link(current.join_code, language),
            tr("workshop.qr_alt", url=short_address(), code=current.join_code), 180)

# --- the questions -----------------------------------------------------------------------------------------
ids = list(current.question_ids)
labels = {qid: f"{i}. {item_text(questionnaire, qid, language)}" for i, qid in enumerate(ids, start=1)}
PICKER = "workshop_question"


def put_on_screen() -> None:
    attempt(workshop.go_to_question, db, actor=actor, workshop_id=current.id, token=token,
            question_id=st.session_state[PICKER])


def open_dimension(question_id: str) -> None:
    """Open the part of the question on the screen at once (for a legal item: the legal minimum)."""
    if is_legal(question_id):
        group = legal_keys(questionnaire)
    else:
        dimension = next(d for d in questionnaire.dimensions() if question_id in {q.id for q in d.questions})
        group = [q.id for q in dimension.questions]
    attempt(workshop.open_voting_many, db, actor=actor, workshop_id=current.id, token=token,
            question_ids=[qid for qid in group if qid in ids])


@fragment(run_every=2)
def lead() -> None:
    """Refreshes by itself every 2 seconds: new votes, and whatever was pressed on the projector's strip or in
    another tab, appear without a reload. The picker is the question on the screen: choosing one puts it there."""
    latest = workshop.get_workshop(db, actor=actor, workshop_id=current.id, token=token)
    if latest.closed:
        if not current.closed:
            st.info(tr("workshop.ended"), icon=":material/event_busy:")
        return
    states = workshop.question_states(db, actor=actor, workshop_id=current.id, token=token)
    on_screen = latest.current_question_id or ids[0]
    if st.session_state.get("workshop_synced") != on_screen:  # moved here, on the strip or in another tab
        st.session_state[PICKER] = st.session_state["workshop_synced"] = on_screen
    st.selectbox(tr("workshop.question_on_screen"), ids, key=PICKER, on_change=put_on_screen,
                 format_func=labels.__getitem__)  # labels that stay the same: the number is the question's place
    state = states[on_screen]
    st.subheader(heading_line(ids, state), anchor=False)
    lead_buttons(db, actor, current.id, token, ids, state, prefix="page")
    st.button(tr("workshop.open_dimension"), on_click=open_dimension, args=(on_screen,),
              help=tr("workshop.open_dimension_help"))
    show_page_error()
    voted, present = workshop.vote_count(db, actor=actor, workshop_id=current.id, token=token,
                                         question_id=on_screen)
    st.markdown(f"**{tr('workshop.voted', voted=voted, participants=present)}**",
                help=tr("workshop.presence_help", seconds=int(workshop.away_after().total_seconds())))
    if present and voted >= present and state.phase == "voting":
        st.success(tr("workshop.everyone_voted"), icon=":material/done_all:")
    outcome = None
    if state.state in ("revealed", "agreed"):
        outcome = workshop.results(db, actor=actor, workshop_id=current.id, token=token, question_id=on_screen)
        show_results(questionnaire, outcome)
    else:  # before the reveal only the count, as on the screen: this laptop may be on the wall
        st.caption(tr("workshop.hidden_here"))
        if st.toggle(tr("workshop.show_distribution"), key=f"show_distribution_{on_screen}",
                     help=tr("workshop.show_distribution_help")):
            show_results(questionnaire, workshop.results(db, actor=actor, workshop_id=current.id, token=token,
                                                         question_id=on_screen))
    agreed_form(db, actor, current.id, token, questionnaire, state, outcome.summary if outcome else None,
                prefix="page")


lead()

with st.expander(tr("workshop.summary_title"), icon=":material/summarize:"):
    summaries = workshop.workshop_summary(db, actor=actor, workshop_id=current.id, token=token)
    st.dataframe(pd.DataFrame([{
        tr("workshop.col_question"): labels[item.question_id],
        tr("workshop.agreed"): value_label(questionnaire, item.state.agreed_value) if item.state.agreed_value
        else (tr("workshop.parked") if item.state.parked else "–"),
        tr("workshop.col_votes"): item.results.summary.voted if item.results else 0,
        tr("workshop.col_agreement"): "–" if not item.results or item.results.summary.agreement is None
        else format_number(item.results.summary.agreement, language),
    } for item in summaries]), hide_index=True, width="stretch", placeholder="")
    disagreement = workshop.most_disagreement(summaries)
    if disagreement:
        st.markdown(f"**{tr('workshop.most_disagreement')}**")
        for item in disagreement:
            st.markdown(f"- {labels[item.question_id]} ({format_number(item.results.summary.agreement, language)})")
    lines = workshop.per_dimension(summaries, questionnaire)
    dimensions = [d for d in questionnaire.dimensions() if any(d.id in v for v in lines.values())]
    if len(dimensions) >= 3:
        names = [d.title.get(language) for d in dimensions]
        figure = go.Figure()
        for line, values in lines.items():
            name = tr("workshop.agreed") if line == "agreed" else tr(f"workshop.role_{line}")
            r = [values.get(d.id) for d in dimensions]
            figure.add_trace(go.Scatterpolar(r=r + r[:1], theta=names + names[:1], name=name, mode="lines+markers",
                                             line=dict(width=4 if line == "agreed" else 2,
                                                       dash=None if line == "agreed" else "dot")))
        figure.update_layout(polar=dict(radialaxis=dict(range=[0, 5])), font=dict(size=15), height=480,
                             legend=dict(orientation="h"))
        show_chart(figure, language)
    elif lines:
        st.caption(tr("workshop.radar_needs_three"))

if not current.closed:
    if st.session_state.get("confirm_end") == current.id:
        st.warning(tr("workshop.end_confirm"), icon=":material/warning:")
        yes, no, _ = st.columns([2, 2, 4])
        if yes.button(tr("workshop.end_yes"), type="primary", width="stretch"):
            st.session_state.pop("confirm_end", None)
            attempt(workshop.end_workshop, db, actor=actor, workshop_id=current.id, token=token)
            st.rerun()
        if no.button(tr("start.delete_no"), width="stretch"):
            st.session_state.pop("confirm_end", None)
            st.rerun()
    elif st.button(tr("workshop.end"), icon=":material/event_busy:"):
        st.session_state["confirm_end"] = current.id
        st.rerun()
if st.button(tr("workshop.delete_votes"), icon=":material/delete_sweep:"):
    if attempt(workshop.delete_raw_votes, db, actor=actor, workshop_id=current.id, token=token)[0]:
        st.success(tr("workshop.votes_deleted"))
    show_page_error()
