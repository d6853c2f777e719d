"""Respondenten: colleagues fill in the scan on their own; the feedback manager invites them, reads the
overview per role (radar, perception gaps, most disagreement first) and merges their answers into the
assessment's answer, question by question. The legal minimum: per requirement the number of ja / nee / weet niet
(only from enough answers), merged as the answer most gave (weet niet on a tie). Who may do what is decided in
`respondents.service`."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import access
from access import ANSWER, MANAGE
from workshops import discussion
from respondents import service as respondents
from assessment import service
from i18n import format_number
from scoring.agreement import agreement_band
from scoring.legal import LEGAL_PREFIX, is_legal_key, legal_key, requirement_text
from scoring.respondents import ALL
from ui.charts import show_chart
from ui.language import lang, tr
from ui.paths import PAGE_WORKSHOP
from ui.safe_text import escape_md
from ui.session import attempt, database, flash, me, permissions_in, show_flash, show_page_error
from ui.url_state import assessment_header, require_assessment
from ui.workshop_view import public_base_url, value_label

assessment, questionnaire = require_assessment()
db = database()
actor = me()
language = lang()
allowed = permissions_in(assessment.organisation_id)
st.title(tr("respondents.title"), anchor=False)
assessment_header(assessment, questionnaire)
st.markdown(tr("respondents.intro", min=respondents.MIN_GROUP))
show_flash()
show_page_error()


def number(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else format_number(value, language, decimals)


def line_label(line: str) -> str:
    return tr("respondents.line_all") if line == ALL else tr(f"workshop.role_{line}")


def link_address(token: str) -> str:
    return f"{public_base_url()}/invullen?a={assessment.id}&t={token}&lang={language}"


# --- links (beheerder) ------------------------------------------------------------------------------------
if MANAGE in allowed:
    survey = respondents.get_survey(db, actor=actor, assessment_id=assessment.id)
    st.header(tr("respondents.links_title"), anchor=False)
    if assessment.is_final:
        st.info(tr("respondents.final_no_links"), icon=":material/lock:")
    else:
        left, right = st.columns([1, 2], vertical_alignment="bottom")
        count = left.number_input(tr("respondents.how_many"), min_value=1, max_value=respondents.MAX_LINKS, value=5,
                                  step=1, key="links_count")
        if right.button(tr("respondents.make_links"), type="primary", icon=":material/add_link:"):
            done, made = attempt(respondents.create_links, db, actor=actor, assessment_id=assessment.id,
                                 count=int(count))
            if done:
                flash(tr("respondents.links_made", count=len(made)))
            st.rerun()
        if not actor.is_local:
            invited = {link.member_email for link in survey.links if link.member_email and not link.revoked}
            members = access.list_members(db, actor=actor, organisation_id=assessment.organisation_id)
            st.subheader(tr("respondents.members_title"), anchor=False)
            st.caption(tr("respondents.members_hint"))
            candidates = {m.email: (f"{m.name} <{m.email}>" if m.name else m.email)
                          for m in members if m.email not in invited}
            if not candidates:
                st.caption(tr("respondents.all_members_invited"))
            else:
                left, right = st.columns([2, 1], vertical_alignment="bottom")
                picked = left.multiselect(tr("respondents.choose_members"), list(candidates),
                                          format_func=candidates.__getitem__, key="invite_members",
                                          placeholder=tr("common.choose_many"))
                if right.button(tr("respondents.invite"), icon=":material/person_add:", disabled=not picked):
                    done, made = attempt(respondents.invite_members, db, actor=actor, assessment_id=assessment.id,
                                         emails=picked)
                    if done:
                        flash(tr("respondents.members_invited", count=len(made)))
                    st.rerun()
    with st.form("deadline_form", border=False):
        left, right = st.columns([1, 2], vertical_alignment="bottom")
        chosen = left.date_input(tr("field.deadline"), value=survey.deadline, format="DD-MM-YYYY",
                                 key="deadline_value")
        if right.form_submit_button(tr("respondents.save_deadline"), icon=":material/event:"):
            done, _ = attempt(respondents.set_deadline, db, actor=actor, assessment_id=assessment.id,
                              deadline=chosen if isinstance(chosen, date) else None)
            if done:
                flash(tr("respondents.deadline_saved"))
            st.rerun()
    if survey.deadline:
        st.caption(tr("respond.deadline", date=survey.deadline.strftime("%d-%m-%Y")))
        if st.button(tr("respondents.no_deadline")):
            attempt(respondents.set_deadline, db, actor=actor, assessment_id=assessment.id, deadline=None)
            st.rerun()
    if survey.links:
        open_links = [link for link in survey.links if not link.revoked]
        with st.expander(tr("respondents.links_list", count=len(open_links)),
                         expanded=not any(link.answered for link in survey.links)):
            st.caption(tr("respondents.links_hint"))
            for number_, link in enumerate(survey.links, start=1):
                status = tr("respondents.status_revoked") if link.revoked else (
                    tr("respondents.status_new") if link.role is None else
                    tr("respondents.status_started", role=tr(f"workshop.role_{link.role}"), count=link.answered))
                with st.container(border=True):
                    top, button = st.columns([5, 1], vertical_alignment="center")
                    title = (tr("respondents.invitation_of", email=escape_md(link.member_email)) if link.member_email
                             else tr("respondents.link_number", number=number_))
                    top.markdown(f"**{title}** · {status}" + (f" · {escape_md(link.name)}" if link.name else ""))
                    if not link.revoked:
                        button.button(tr("respondents.revoke"), key=f"revoke_{link.id}", icon=":material/link_off:",
                                      on_click=attempt, args=(respondents.revoke_link, db),
                                      kwargs=dict(actor=actor, assessment_id=assessment.id, link_id=link.id))
                        if link.member_email:
                            st.caption(tr("respondents.invitation_hint"))
                        else:
                            st.code(link_address(link.token), language=None, wrap_lines=True)

# --- the overview -------------------------------------------------------------------------------------------
view = respondents.overview(db, actor=actor, assessment_id=assessment.id, questionnaire=questionnaire)
figures = view.figures
st.header(tr("respondents.overview_title"), anchor=False)
if figures.total == 0:
    st.info(tr("respondents.nobody_yet", count=view.invited), icon=":material/hourglass_empty:")
    st.stop()
st.markdown(tr("respondents.counts", invited=view.invited, count=figures.total))
if not figures.everyone_shown:  # one or two people: nothing of their answers, not even their roles
    st.info(tr("respondents.too_few", count=figures.needed, min=view.min_group), icon=":material/visibility_off:")
    st.stop()
st.table(pd.DataFrame(
    [{tr("respondents.col_role"): tr(f"workshop.role_{role}"), tr("respondents.col_respondents"): n,
      tr("respondents.col_shown"): tr("respondents.shown_yes") if role in figures.shown_roles
      else tr("respondents.shown_no")} for role, n in figures.respondents.items()]), hide_index=True)
if figures.hidden_roles:
    st.info(tr("respondents.hidden", roles=", ".join(tr(f"workshop.role_{r}") for r in figures.hidden_roles),
               min=respondents.MIN_GROUP), icon=":material/visibility_off:")

lines = [ALL, *figures.shown_roles]
dimensions = questionnaire.dimensions()
st.subheader(tr("respondents.radar_title"), anchor=False)
COLOURS = ("#1E293B", "#0F6CBD", "#B45309", "#047857", "#7E22CE")
radar = go.Figure()
labels = [d.title.get(language) for d in dimensions]
for colour, line in zip(COLOURS, lines):
    values = [figures.dimensions[d.id].by_line.get(line) for d in dimensions]
    radar.add_trace(go.Scatterpolar(r=values + values[:1], theta=labels + labels[:1], name=line_label(line),
                                    line_color=colour, line_dash="dot" if line == ALL else "solid",
                                    connectgaps=True))
radar.update_layout(polar_radialaxis_range=[0, 5], height=460, margin=dict(l=60, r=60, t=30, b=30),
                    legend_orientation="h")
show_chart(radar, language, key="respondents_radar")


def gap_rows(units, titles):
    rows = []
    for unit_id in units:
        gap = units[unit_id]
        row = {tr("respondents.col_part"): titles[unit_id]}
        row.update({line_label(line): number(gap.by_line.get(line)) for line in lines})
        row[tr("respondents.col_gap")] = number(gap.gap)
        row[tr("respondents.col_gap_between")] = (
            f"{line_label(gap.highest)} > {line_label(gap.lowest)}" if gap.gap else "–")
        rows.append(row)
    return pd.DataFrame(rows)


st.subheader(tr("respondents.gaps_title"), anchor=False)
if len(figures.shown_roles) < 2:
    st.caption(tr("respondents.gaps_need_two"))
st.table(gap_rows({c.id: figures.competencies[c.id] for c in questionnaire.competencies},
                  {c.id: c.title.get(language) for c in questionnaire.competencies}), hide_index=True)
st.table(gap_rows({d.id: figures.dimensions[d.id] for d in dimensions},
                  {d.id: d.title.get(language) for d in dimensions}), hide_index=True)

st.subheader(tr("respondents.disagreement_title"), anchor=False)
ranked = figures.most_disagreement()
st.table(pd.DataFrame([{
    tr("respondents.col_question"): questionnaire.question(q.question_id).text.get(language),
    tr("respondents.col_answers"): q.answers,
    tr("respondents.col_median"): number(q.summary.median),
    tr("respondents.col_agreement"): number(q.summary.agreement, 2),
    tr("respondents.col_band"): tr(f"workshop.agreement_{agreement_band(q.summary.agreement)}"),
} for q in ranked[:10]]), hide_index=True)
may_discuss = not assessment.is_final and bool(allowed & {ANSWER, access.WORKSHOP})
on_list = {item.question_id for item in discussion.discussion_items(db, actor=actor, assessment_id=assessment.id)}
low = [f.question_id for f in ranked if f.suggested is None and f.summary.agreement is not None]
if may_discuss and low:
    to_send = [qid for qid in low if qid not in on_list]
    if to_send:
        if st.button(tr("respondents.send_all_to_workshop", count=len(to_send)), icon=":material/playlist_add:"):
            done, added = attempt(discussion.send_to_workshop, db, actor=actor, assessment_id=assessment.id,
                                  questionnaire=questionnaire, question_ids=to_send, source="respondents")
            if done:
                flash(tr("respondents.sent_to_workshop", count=len(added)))
            st.rerun()
    else:
        st.caption(tr("respondents.all_on_list"))
        st.page_link(PAGE_WORKSHOP, label=tr("respondents.to_workshop"), icon=":material/groups_3:",
                     query_params={"a": assessment.id, "lang": language})

# --- the legal minimum: counts of ja / nee / weet niet, only from enough answers, never per role ---------------
legal_items = questionnaire.legal_items()
if legal_items:
    st.subheader(questionnaire.legal_minimum.title.get(language), anchor=False)
    st.caption(tr("respondents.legal_intro", min=respondents.MIN_GROUP))
    legal_rows = []
    for item in legal_items:
        found = figures.legal[item.id]
        counts = found.summary.counts if found.summary is not None else None
        legal_rows.append({
            tr("respondents.col_requirement"): requirement_text(item, language),
            tr("respondents.col_yes"): "–" if counts is None else str(counts["ja"]),
            tr("respondents.col_no"): "–" if counts is None else str(counts["nee"]),
            tr("respondents.col_dont_know"): "–" if counts is None else str(counts["weetniet"]),
            tr("respondents.col_most"): tr("respondents.legal_too_few", min=respondents.MIN_GROUP)
            if found.suggested is None else value_label(questionnaire, found.suggested)})
    st.table(pd.DataFrame(legal_rows), hide_index=True)

# --- merge ----------------------------------------------------------------------------------------------------
st.header(tr("respondents.merge_title"), anchor=False)
if ANSWER not in allowed:
    st.info(tr("respondents.merge_no_right"), icon=":material/lock:")
    st.stop()
if assessment.is_final:
    st.info(tr("questionnaire.read_only"), icon=":material/lock:")
    st.stop()
answered = [q for q in ranked] + [f for f in figures.questions.values()
                                  if f.summary.agreement is None and f.answers]
# the legal requirements with enough answers come after the questions
order = [q.question_id for q in answered] + [legal_key(item.id) for item in legal_items
                                             if figures.legal[item.id].summary is not None]
if not order:
    st.stop()
current_answers = service.get_answers(db, actor=actor, assessment_id=assessment.id) | {
    legal_key(item_id): answer
    for item_id, answer in service.get_legal_answers(db, actor=actor, assessment_id=assessment.id).items()}


def item_text(question_id: str) -> str:
    if is_legal_key(question_id):
        item = questionnaire.legal_item(question_id[len(LEGAL_PREFIX):])
        return f"{item.article} · {item.text.get(language)}"
    return questionnaire.question(question_id).text.get(language)


def question_choice(question_id: str) -> str:
    mark = "✓ " if question_id in view.merges else ""
    return mark + item_text(question_id)


st.caption(tr("respondents.merge_hint"))
question_id = st.selectbox(tr("respondents.choose_question"), order, format_func=question_choice,
                           key="merge_question")
legal = is_legal_key(question_id)
chosen_figures = figures.legal[question_id[len(LEGAL_PREFIX):]] if legal else figures.questions[question_id]
summary = chosen_figures.summary
left, right = st.columns(2, gap="large")
with left:
    st.markdown(f"#### {tr('respondents.their_answers')}", anchors=False)
    keys = list(respondents.values_for(question_id)) if legal else [1, 2, 3, 4, 5, "nvt", "weetniet"]
    st.table(pd.DataFrame([{tr("respondents.col_answer"): value_label(questionnaire, str(k)),
                            tr("respondents.col_count"): summary.counts[k]} for k in keys]), hide_index=True)
    if legal:
        st.markdown(escape_md(respondents.legal_provenance_text(summary, language)))
    else:
        st.markdown(tr("respondents.summary_line", count=summary.voted, median=number(summary.median),
                       agreement=number(summary.agreement, 2),
                       band=tr(f"workshop.agreement_{agreement_band(summary.agreement)}")
                       if summary.agreement is not None else "–"))
    if not legal and chosen_figures.by_role:
        st.markdown(tr("respondents.by_role", roles="; ".join(
            f"{line_label(role)}: {number(median)}" for role, median in chosen_figures.by_role.items())))
    comments = view.comments.get(question_id, [])
    st.markdown(f"**{tr('respondents.comments', count=len(comments))}**")
    for comment in comments:
        st.text(comment)
with right:
    st.markdown(f"#### {tr('respondents.organisation_answer')}", anchors=False)
    suggested = chosen_figures.suggested
    if legal:  # always a suggestion: what most said, weet niet on a tie (and the page says why)
        if summary.tied:
            st.markdown(tr("respondents.legal_suggestion_tie", value=value_label(questionnaire, suggested),
                           answers=tr("respondents.legal_or").join(value_label(questionnaire, v)
                                                                   for v in summary.largest)))
        else:
            st.markdown(tr("respondents.legal_suggestion", value=value_label(questionnaire, suggested)))
    elif suggested is None:
        st.warning(tr("respondents.no_suggestion"), icon=":material/forum:")
        if question_id in on_list:
            st.caption(tr("respondents.on_workshop_list"))
        elif st.button(tr("respondents.send_to_workshop"), icon=":material/playlist_add:", key="send_one"):
            done, added = attempt(discussion.send_to_workshop, db, actor=actor, assessment_id=assessment.id,
                                  questionnaire=questionnaire, question_ids=[question_id], source="respondents")
            if done:
                flash(tr("respondents.sent_to_workshop", count=len(added)))
            st.rerun()
        st.page_link(PAGE_WORKSHOP, label=tr("respondents.to_workshop"), icon=":material/groups_3:",
                     query_params={"a": assessment.id, "lang": language})
    else:
        st.markdown(tr("respondents.suggestion", value=value_label(questionnaire, str(suggested))))
    now = current_answers.get(question_id)
    if now is not None and now.value is not None:
        st.caption(tr("respondents.current", value=value_label(questionnaire, str(now.value))))
    merged = view.merges.get(question_id)
    if merged:
        st.caption(tr("respondents.merged_before", provenance=escape_md(merged.provenance)))
    with st.form(f"merge_{question_id}"):
        options = respondents.values_for(question_id)
        default = options.index(str(suggested)) if suggested is not None else None
        value = st.radio(tr("respondents.choose_value"), options, index=default,
                         format_func=lambda v: value_label(questionnaire, v), key=f"merge_value_{question_id}")
        rationale = st.text_area(tr("field.rationale"), key=f"merge_rationale_{question_id}", height=90,
                                 help=tr("respondents.rationale_help"))
        if st.form_submit_button(tr("respondents.take_over"), type="primary", icon=":material/call_merge:"):
            if value is None:
                st.error(tr("respondents.choose_value_first"))
            else:
                done, result = attempt(respondents.merge_answer, db, actor=actor, assessment_id=assessment.id,
                                       questionnaire=questionnaire, question_id=question_id, value=value,
                                       rationale=rationale, language=language)
                if done:
                    flash(tr("respondents.merged", provenance=escape_md(result.provenance)))
                st.rerun()
