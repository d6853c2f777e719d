"""Benchmark: the own scores against similar organisations, with the spread, never revealing a single peer."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from peers import service as peers
from assessment import service
from i18n import format_number, format_percent
from scoring.engine import score_areas, score_assessment
from peers.scores import AREA_PREFIX
from scoring.legal import requirement_text
from scoring.peers import DEFAULT_MIN_GROUP, LOWEST_MIN_GROUP
from scoring.peers import position as peer_position
from exports.benchmark_file import MAX_BYTES as BENCHMARK_MAX_BYTES
from exports.benchmark_file import MAX_ROWS as BENCHMARK_MAX_ROWS
from exports.benchmark_file import BenchmarkFileError
from access import MANAGE
from ui.charts import show_chart
from ui.language import lang, tr
from ui.messages import file_problems_text
from ui.safe_text import escape_md
from ui.session import (attempt, catalog, database, flash, fragment, keep_choices, me, pending, permissions_in,
                        show_flash, show_page_error, UPLOAD_LIMIT_MB, hide_uploader_limit, empty_uploader, uploader_key)
from ui.url_state import assessment_header, require_assessment

assessment, questionnaire = require_assessment()
db = database()
actor = me()
language = lang()
organisation = service.get_organisation(db, assessment.organisation_id, actor=actor)
may_manage = MANAGE in permissions_in(organisation.id)

st.title(tr("bench.title"), anchor=False)
assessment_header(assessment, questionnaire)
show_flash()

answers = service.answer_values(service.get_answers(db, actor=actor, assessment_id=assessment.id))
result = score_assessment(questionnaire, answers, service.get_targets(db, actor=actor, assessment_id=assessment.id))
own_scores = {d: s.score for d, s in result.dimensions.items()}
own_scores.update({c: s.score for c, s in result.competencies.items()})
own_scores["overall"] = result.score
area_scores = score_areas(questionnaire, answers)  # the scan seen through the Gouden Oor areas
own_scores.update({AREA_PREFIX + area_id: scored.score for area_id, scored in area_scores.items()})

# --- sources ---------------------------------------------------------------------------------------
show_page_error()
with st.expander(tr("bench.sources_title"), icon=":material/database:"):
    def _on_share_change() -> None:
        attempt(peers.set_sharing, db, actor=actor, organisation_id=organisation.id,
                share=st.session_state["share_anonymously"], keep=("sharing", organisation.id))

    kept = pending(("sharing", organisation.id))  # switched while the database was away
    st.session_state["share_anonymously"] = kept["share"] if kept else peers.is_sharing(
        db, actor=actor, organisation_id=organisation.id)
    st.toggle(tr("bench.share"), key="share_anonymously", on_change=_on_share_change, disabled=not may_manage)
    st.caption(tr("bench.share_help"))
    peer_sets = [s for s in peers.list_peer_sets(db, actor=actor, organisation_id=organisation.id)
                 if s.questionnaire_key == questionnaire.key]
    for peer_set in peer_sets:
        label = tr("bench.demo_label") if peer_set.is_demo else escape_md(peer_set.name)
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(tr("bench.set_line", name=label, records=peer_set.records))
        if may_manage and not peer_set.for_everyone and right.button(
                tr("bench.remove_set"), key=f"remove_set_{peer_set.id}", icon=":material/delete:"):
            attempt(peers.delete_peer_set, db, actor=actor, peer_set_id=peer_set.id)
            st.rerun()
    if may_manage:
        # every file type is let through, and the size checked here: a wrong one gets a message in the
        # user's language, naming what is wrong (Streamlit's own refusal is a red icon in English)
        file_key = uploader_key("peer_file")  # a new one after each import
        hide_uploader_limit(file_key)
        uploaded = st.file_uploader(tr("peerfile.upload"), key=file_key, max_upload_size=UPLOAD_LIMIT_MB)
        st.caption(tr("peerfile.limits", mb=BENCHMARK_MAX_BYTES // (1024 * 1024), rows=f"{BENCHMARK_MAX_ROWS:,}"
                      .replace(",", "." if language == "nl" else ",")) + " " + tr("peerfile.help"))
        if uploaded is not None and st.button(tr("peerfile.import"), icon=":material/upload:"):
            try:
                imported = peers.import_benchmark_file(db, actor=actor, organisation_id=organisation.id,
                                                       filename=uploaded.name, data=uploaded.getvalue(),
                                                       lookup=catalog().get)
            except BenchmarkFileError as error:
                st.error(tr("peerfile.failed") + "\n\n" + file_problems_text(error.problems, "peerfile"))
            else:
                separator = {";": "file.separator_semicolon", "\t": "file.separator_tab"}.get(
                    imported.separator, "file.separator_comma")
                flash(tr("peerfile.done", records=imported.records) + " " + (
                    tr("peerfile.read_csv", encoding=imported.encoding, separator=tr(separator))
                    if imported.encoding else tr("kpi.preview_read_xlsx")))
                st.session_state.pop("bench_defaults_for", None)  # more peers: choose the default group again
                empty_uploader("peer_file")  # the stored file is no longer on offer
                st.rerun()
        if not any(s.is_demo for s in peer_sets):
            if st.button(tr("bench.load_demo"), icon=":material/science:"):
                attempt(peers.load_demo_set, db, actor=actor, organisation_id=organisation.id,
                        questionnaire=questionnaire)
                st.session_state.pop("bench_defaults_for", None)
                st.rerun()
            st.caption(tr("bench.load_demo_help"))

type_label = {t: tr(f"orgtype.{t}") for t in service.ORGANISATION_TYPES}


# The group the page opens with: big enough to show figures where the data allow it (chosen once per scan).
# (Streamlit forgets a widget's value when its page is left, so the choice is made again on coming back.)
if st.session_state.get("bench_defaults_for") != assessment.id or "bench_type" not in st.session_state:
    start_group, widened = peers.default_group(
        db, actor=actor, organisation_id=organisation.id, questionnaire=questionnaire, org_type=organisation.org_type,
        size_class=organisation.size_class, year=assessment.year,
        min_group=int(st.session_state.get("bench_min_group", DEFAULT_MIN_GROUP)))
    st.session_state["bench_type"] = organisation.org_type
    st.session_state[f"bench_sizes_{organisation.org_type}"] = list(start_group.size_classes)
    st.session_state["bench_years"] = len(start_group.years)
    st.session_state["bench_widened"] = widened
    st.session_state["bench_defaults_for"] = assessment.id


@fragment()
def peer_view() -> None:
    """Filters and figures: changing a filter reruns only this part of the page."""
    left, middle, right = st.columns([2, 3, 2])
    org_type = left.selectbox(tr("bench.filter_type"), list(type_label), format_func=type_label.__getitem__,
                              key="bench_type", placeholder=tr("common.choose"))
    classes = service.size_classes_for(org_type)
    size_label = {c: tr(f"size.{c}") for c in classes}
    sizes_key = f"bench_sizes_{org_type}"
    if sizes_key not in st.session_state:  # another type chosen: start with its every size
        st.session_state[sizes_key] = list(classes)
    sizes = middle.multiselect(tr("bench.filter_size"), list(classes),
                               format_func=size_label.__getitem__, key=sizes_key,
                               placeholder=tr("bench.filter_size_placeholder"))
    last_years = right.number_input(tr("bench.filter_years"), min_value=1, max_value=10, step=1, key="bench_years")
    right.caption(tr("bench.filter_years_help", year=assessment.year))
    keep_choices("bench_type", sizes_key, "bench_years", "bench_min_group")  # kept while the database is away
    min_group = st.session_state.get("bench_min_group", DEFAULT_MIN_GROUP)
    years = tuple(range(assessment.year - int(last_years) + 1, assessment.year + 1))
    group = peers.PeerGroup(org_type, tuple(sizes or classes), years, int(min_group))
    earlier_versions = [q for q in (catalog().get(questionnaire.id, m.from_version) for m in questionnaire.mappings)
                        if q is not None]
    comparison = peers.compare_with_peers(db, actor=actor, organisation_id=organisation.id,
                                          questionnaire=questionnaire, own_scores=own_scores, group=group,
                                          earlier_versions=earlier_versions)
    widened = st.session_state.get("bench_widened", ())
    if widened and org_type == organisation.org_type and set(group.size_classes) == set(
            st.session_state.get(f"bench_sizes_{org_type}", ())):
        st.info(tr("bench.widened", what=", ".join(tr(f"bench.widened_{w}") for w in widened)),
                icon=":material/zoom_out_map:")

    sizes_text = tr("bench.all_sizes") if set(group.size_classes) == set(classes) else \
        ", ".join(size_label[c] for c in group.size_classes).lower()
    years_text = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    st.markdown(tr("bench.group", n=comparison.n_peers, organisations=comparison.n_organisations,
                   type=type_label[org_type].lower(), sizes=sizes_text, years=years_text))
    if comparison.n_demo:
        st.warning(tr("bench.demo_warning", n=comparison.n_demo), icon=":material/science:")
    if comparison.earlier_versions:
        titles = {d.id: d.title.get(language) for d in questionnaire.dimensions()}
        not_compared = [titles[u] for u in comparison.not_compared if u in titles]
        st.info(tr("bench.earlier_versions", versions=", ".join(comparison.earlier_versions),
                   version=questionnaire.version, count=len(not_compared),
                   parts=", ".join(not_compared) or "–"), icon=":material/compare_arrows:")
    overall = comparison.figures["overall"]
    if overall.suppressed:
        st.info(tr("bench.too_small", organisations=overall.organisations, min=group.min_group),
                icon=":material/group_off:")
        return

    # radar: own, target, peer median, P25-P75 band
    dimensions = questionnaire.dimensions()
    names = [d.title.get(language) for d in dimensions]
    closed = names + names[:1]

    def ring(values):
        return list(values) + list(values[:1])

    def number(value):
        return "–" if value is None else format_number(value, language)

    figures = [comparison.figures[d.id] for d in dimensions]
    p75 = [f.p75 for f in figures]
    p25 = [f.p25 for f in figures]
    figure = go.Figure()
    figure.add_trace(go.Scatterpolar(  # the band: around along P75, back along P25
        r=ring(p75) + ring(p25)[::-1], theta=closed + closed[::-1], fill="toself", mode="lines",
        fillcolor="rgba(100, 116, 139, 0.25)", line=dict(width=0), name=tr("bench.legend_band"),
        hoverinfo="skip"))
    median_name = tr("bench.legend_median")
    figure.add_trace(go.Scatterpolar(r=ring([f.median for f in figures]), theta=closed, mode="lines+markers",
                                     name=median_name, line=dict(color="#475569", width=3, dash="dot"),
                                     customdata=ring([number(f.median) for f in figures]),
                                     hovertemplate="%{theta}: %{customdata}<extra>" + median_name + "</extra>"))
    figure.add_trace(go.Scatterpolar(r=ring([result.dimensions[d.id].target for d in dimensions]), theta=closed,
                                     mode="lines+markers", name=tr("results.legend_target"),
                                     line=dict(color="#B45309", width=3, dash="dash"),
                                     marker=dict(symbol="diamond", size=9)))
    figure.add_trace(go.Scatterpolar(r=ring([own_scores[d.id] for d in dimensions]), theta=closed,
                                     mode="lines+markers", name=tr("results.legend_score"),
                                     line=dict(color="#1D4ED8", width=4), marker=dict(size=10),
                                     customdata=ring([number(own_scores[d.id]) for d in dimensions]),
                                     hovertemplate="%{theta}: %{customdata}<extra>" + tr("results.legend_score")
                                     + "</extra>"))
    figure.update_layout(
        polar=dict(radialaxis=dict(range=[0, 5], tickvals=[1, 2, 3, 4, 5], tickfont=dict(size=14)),
                   angularaxis=dict(tickfont=dict(size=15))),
        font=dict(size=16), legend=dict(orientation="h", yanchor="bottom", y=-0.25, font=dict(size=16)),
        margin=dict(l=90, r=90, t=30, b=40), height=600)
    show_chart(figure, language)

    rows = []
    # how many of its parts an own score is made of (the peers' scores are of final, complete scans)
    partial = {"overall": (result.competencies_scored, result.competencies_total)} | {
        c_id: (c.dimensions_scored, c.dimensions_total) for c_id, c in result.competencies.items()}
    units = [("overall", tr("results.overall"))] + [(c.id, c.title.get(language)) for c in questionnaire.competencies] \
        + [(d.id, d.title.get(language)) for d in dimensions]
    for unit_id, name in units:
        peer = comparison.figures[unit_id]
        if peer.suppressed:
            position = tr("bench.unit_too_small", n=peer.organisations)
        elif peer.own is None:
            position = tr("bench.no_own_score")
        else:
            key, shares = peer_position(peer)
            position = tr(key, unit=name, types=tr(f"orgtype_plural.{org_type}"),
                          **{k: format_percent(v, language) for k, v in shares.items()})
            parts, total = partial.get(unit_id, (0, 0))
            if parts < total:  # an own score of fewer parts, ranked against complete peer scans: said with it
                position = position.rstrip(".") + ". " + tr(f"bench.partial_{'overall' if unit_id == 'overall' else 'competency'}",
                                     parts=parts, total=total)
        rows.append({tr("bench.col_unit"): name, tr("bench.col_own"): number(own_scores.get(unit_id)),
                     tr("bench.col_median"): number(peer.median),
                     tr("bench.col_band"): "–" if peer.suppressed else f"{number(peer.p25)} – {number(peer.p75)}",
                     tr("bench.col_organisations"): peer.organisations, tr("bench.col_position"): position})
    # a plain table: its cells wrap, so the sentence with the position is read in full at laptop width
    order = [tr(k) for k in ("bench.col_unit", "bench.col_own", "bench.col_position", "bench.col_median",
                             "bench.col_band", "bench.col_organisations")]
    st.table(pd.DataFrame(rows)[order].set_index(order[0]))
    st.caption(tr("bench.method", min=group.min_group))
    if area_scores:  # the same comparison per area of the Gouden Oor Standaard
        framework = next(fw for fw in questionnaire.frameworks if fw.id == questionnaire.area_view.framework)
        st.header(tr("bench.areas_title", framework=framework.title.get(language)), anchor=False)
        area_rows = []
        for item in framework.items:
            unit_id = AREA_PREFIX + item.id
            peer = comparison.figures.get(unit_id)
            if peer is None:
                continue
            if peer.suppressed:
                position = tr("bench.unit_too_small", n=peer.organisations)
            elif peer.own is None:
                position = tr("bench.no_own_score")
            else:
                key, shares = peer_position(peer)
                position = tr(key, unit=item.title.get(language), types=tr(f"orgtype_plural.{org_type}"),
                              **{k: format_percent(v, language) for k, v in shares.items()})
            area_rows.append({tr("results.col_area"): item.title.get(language),
                              tr("bench.col_own"): number(own_scores.get(unit_id)),
                              tr("bench.col_position"): position, tr("bench.col_median"): number(peer.median),
                              tr("bench.col_band"): "–" if peer.suppressed else
                              f"{number(peer.p25)} – {number(peer.p75)}",
                              tr("bench.col_organisations"): peer.organisations})
        st.table(pd.DataFrame(area_rows).set_index(tr("results.col_area")))
        st.caption(questionnaire.area_view.note.get(language))
    show_legal_shares(group)


def show_legal_shares(group: peers.PeerGroup) -> None:
    """The legal minimum among the peers: per requirement the share of peer organisations that meet it."""
    shares = peers.legal_shares(db, actor=actor, organisation_id=organisation.id, questionnaire=questionnaire,
                                group=group)
    if not shares:
        return
    minimum = questionnaire.legal_minimum
    own = service.get_legal_answers(db, actor=actor, assessment_id=assessment.id)
    own_text = {"ja": minimum.yes.get(language), "nee": minimum.no.get(language),
                "weetniet": questionnaire.scale.dont_know.get(language)}
    st.header(tr("bench.legal_title"), anchor=False)
    st.table(pd.DataFrame([{
        tr("bench.legal_col_requirement"): requirement_text(item, language),
        tr("bench.legal_col_own"): own_text.get(own[item.id].value, "–") if item.id in own else "–",
        tr("bench.legal_col_share"): tr("bench.legal_share", share=format_percent(shares[item.id].share_met, language),
                                        n=shares[item.id].organisations)
        if shares[item.id].share_met is not None else tr("bench.unit_too_small", n=shares[item.id].organisations),
    } for item in questionnaire.legal_items()]).set_index(tr("bench.legal_col_requirement")))
    st.caption(tr("bench.legal_help", min=group.min_group))


peer_view()
st.number_input(tr("bench.min_group"), min_value=LOWEST_MIN_GROUP, max_value=50, value=DEFAULT_MIN_GROUP,
                key="bench_min_group")
st.caption(tr("bench.min_group_help", lowest=LOWEST_MIN_GROUP))
