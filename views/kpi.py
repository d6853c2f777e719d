"""KPI's: the organisation's register of people-centred and traditional KPIs ("sturen op de bedoeling"): per
KPI its trend against the target and the plan actions that steer on it; entering values by hand or from a
file; choosing KPIs; and the figures of similar organisations."""

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from access import ANSWER, MANAGE, READ, AccessDenied
from assessment import service
from exports.kpi_file import MAX_BYTES as KPI_FILE_MAX_BYTES
from exports.kpi_file import template_csv
from exports.problems import FileImportError
from i18n import format_number, format_percent
from kpi import service as kpis
from indicators.display import (direction_text, figure_text, kind_text, number_text, result_areas_text, unit_text,
                                value_text)
from indicators.figures import change, effect, latest, target_status, value_of, yearly
from indicators.model import DIRECTIONS, UNITS
from scoring.peers import DEFAULT_MIN_GROUP
from ui.charts import show_chart
from ui.language import lang, tr
from ui.messages import error_text, kpi_library_problem_text, localized_params
from ui.safe_text import escape_md
from ui.session import (UPLOAD_LIMIT_MB, attempt, database, flash, hide_uploader_limit, kpi_library, me, pending,
                        permissions_in, show_flash, show_page_error, empty_uploader, uploader_key)
from ui.url_state import PARAM_ORGANISATION
from ui.kpi_view import effect_parts, first_period_from, trend_figure
from ui.page_meta import set_context

db = database()
actor = me()
language = lang()
st.title(tr("kpi.title"), anchor=False)
st.markdown(tr("kpi.intro"))

library, library_problem = kpi_library()
if library is None:
    st.error(kpi_library_problem_text(library_problem), icon=":material/error:")
    st.stop()

# --- which organisation ------------------------------------------------------------------------------------
organisations = [o for o in service.list_organisations(db, actor=actor) if READ in permissions_in(o.id)]
if not organisations:
    st.info(tr("kpi.no_organisations"))
    st.stop()
by_id = {o.id: o for o in organisations}


def _wanted_organisation() -> int:
    wanted = st.query_params.get(PARAM_ORGANISATION) or st.session_state.get("organisation_id")
    if wanted is None and st.session_state.get("assessment_id"):
        try:
            wanted = service.get_assessment(db, st.session_state["assessment_id"], actor=actor).organisation_id
        except AccessDenied:
            wanted = None
    try:
        return int(wanted) if wanted is not None and int(wanted) in by_id else organisations[0].id
    except ValueError:
        return organisations[0].id


def _choose_organisation() -> None:
    st.query_params[PARAM_ORGANISATION] = str(st.session_state["kpi_organisation"])
    st.session_state["organisation_id"] = st.session_state["kpi_organisation"]


current_id = _wanted_organisation()
if len(organisations) > 1:
    st.session_state["kpi_organisation"] = current_id
    st.selectbox(tr("start.choose_organisation"), list(by_id), format_func=lambda i: by_id[i].name,
                 key="kpi_organisation", on_change=_choose_organisation, placeholder=tr("common.choose"))
organisation = by_id[current_id]
st.caption(escape_md(organisation.name))
set_context(organisation.name)
permissions = permissions_in(organisation.id)
may_answer, may_manage = ANSWER in permissions, MANAGE in permissions
show_flash()
show_page_error()

register = kpis.get_register(db, actor=actor, organisation_id=organisation.id, library=library)
usable = register.usable()
for lost in (k for k in register.kpis if k.definition is None):
    st.warning(tr("kpi.not_in_library", code=escape_md(lost.code)), icon=":material/help:")
linked = kpis.linked_actions(db, actor=actor, organisation_id=organisation.id)
names = {"value": tr("kpi.legend_value"), "target": tr("kpi.legend_target"), "period": tr("kpi.col_period")}


def show_file_problems(error: FileImportError) -> None:
    """Every problem of a refused file, by row and column, in the user's language."""
    lines = []
    for problem in error.problems[:50]:
        where = tr("kpifile.where", row=problem.row, column=problem.column) if problem.row else ""
        params = {k: escape_md(v) if isinstance(v, str) else v for k, v in localized_params(problem.params).items()}
        lines.append("- " + where + tr(problem.code, **params))
    more = len(error.problems) - 50
    st.error(tr("kpi.import_failed", count=len(error.problems)) + "\n\n" + "\n".join(lines)
             + (("\n\n" + tr("kpi.import_more", count=more)) if more > 0 else ""))


SEPARATORS = {";": "file.separator_semicolon", ",": "file.separator_comma", "\t": "file.separator_tab"}


def _measured_text(kpi, measurement) -> str:
    """A value as the register shows it; a ratio with its numerator and denominator."""
    shown = value_text(kpi, value_of(kpi, measurement), language)
    if kpi.is_ratio:
        numerator = measurement.numerator
        return (f"{shown} ({format_number(numerator, language, 0 if numerator.is_integer() else 2)}"
                f"/{format_number(measurement.denominator, language, 0)})")
    return shown


def show_preview(preview: kpis.ImportPreview, uploaded) -> None:
    """What a checked file would store, and the button that stores it."""
    with st.container(border=True, key="kpi_preview_box"):
        st.markdown(f"**{tr('kpi.preview_title')}**")
        replaced = (tr("kpi.preview_replaced", count=len(preview.replaced)) if preview.replaced
                    else tr("kpi.preview_nothing_replaced"))
        st.markdown(f"{tr('kpi.preview_values', count=preview.values)} "
                    f"{tr('kpi.preview_kpis', count=preview.kpis)}, {replaced}.")
        if preview.encoding:
            st.caption(tr("kpi.preview_read_csv", encoding=preview.encoding,
                          separator=tr(SEPARATORS.get(preview.separator, "file.separator_comma")),
                          notation=tr(f"file.notation_{preview.notation or 'none'}")))
        else:
            st.caption(tr("kpi.preview_read_xlsx"))
        if preview.replaced:
            st.markdown("\n".join(
                "- " + tr("kpi.preview_change", kpi=escape_md(r.kpi.name.get(language)), period=r.period,
                          old=escape_md(_measured_text(r.kpi, r.old)), new=escape_md(_measured_text(r.kpi, r.new)))
                for r in preview.replaced))
        st.caption(tr("kpi.preview_hint"))
        if st.button(tr("kpi.preview_confirm"), type="primary", icon=":material/save:", disabled=not preview.values):
            try:
                count = kpis.import_values(db, actor=actor, organisation_id=organisation.id, library=library,
                                           filename=uploaded.name, data=uploaded.getvalue(), replace=True,
                                           expected_replacements=preview.replaced_keys)
            except FileImportError as error:
                st.session_state.pop("kpi_preview", None)
                show_file_problems(error)
            except (service.InputError, AccessDenied) as refused:
                st.error(tr("kpi.import_failed", count=1) + "\n\n- " + error_text(refused))
            else:
                st.session_state.pop("kpi_preview", None)
                empty_uploader("kpi_file")  # the imported file is no longer on offer
                flash(tr("kpi.import_done", count=count))
                st.rerun()


def kpi_name(entry: kpis.RegisterKpi) -> str:
    """The KPI's name as markdown-safe text (an own KPI's name was typed by a user)."""
    return entry.name(language) if entry.from_library else escape_md(entry.name(language))


def plain_name(entry: kpis.RegisterKpi) -> str:
    return entry.name(language)


def target_words(entry: kpis.RegisterKpi, value: float | None) -> str:
    kpi = entry.definition
    if not kpi.has_direction:  # context: no target, no verdict (a target stored before stays unused)
        return tr("kpi.context_no_target")
    if entry.target is None:
        return tr("kpi.no_target")
    status = target_status(kpi, value, entry.target)
    return tr(f"kpi.target_{status or 'unknown'}", target=value_text(kpi, entry.target, language))


# --- overview ------------------------------------------------------------------------------------------------
if not usable:
    st.info(tr("kpi.empty_manager" if may_manage else "kpi.empty_reader"), icon=":material/monitoring:")
else:
    st.header(tr("kpi.overview_title"), divider="gray", anchor=False)
    rows = []
    for entry in usable:
        kpi = entry.definition
        newest = latest(kpi, register.measurements(entry.id))
        rows.append({
            tr("kpi.col_kpi"): plain_name(entry),
            tr("kpi.col_kind"): kind_text(kpi, language),
            tr("kpi.col_competency"): library.competency_title(kpi.competency, language),
            tr("kpi.col_latest"): (f"{figure_text(kpi, newest[1], newest[0], language)} ({newest[0].period.code})"
                                   if newest else "–"),
            tr("kpi.col_status"): target_words(entry, newest[1]) if newest else tr("kpi.no_values_short"),
        })
    st.table(pd.DataFrame(rows).set_index(tr("kpi.col_kpi")))  # a plain table: its cells wrap on every screen
    st.caption(tr("kpi.overview_help"))
    if any(k.definition.unit == "percentage" for k in usable):
        st.caption(tr("kpi.cases_help"))


# --- entering a value ------------------------------------------------------------------------------------
ENTRY_KEYS = ("kpi_enter_period", "kpi_enter_numerator", "kpi_enter_denominator", "kpi_enter_value")


def _save_value() -> None:
    entry = register.entry(st.session_state["kpi_enter_entry"])
    done, saved = attempt(kpis.save_value, db, actor=actor, entry_id=entry.id, library=library,
                          period=st.session_state.get("kpi_enter_period", ""),
                          value=st.session_state.get("kpi_enter_value"),
                          numerator=st.session_state.get("kpi_enter_numerator"),
                          denominator=st.session_state.get("kpi_enter_denominator"),
                          replace=st.session_state.get("kpi_enter_replace", False))
    if done:
        flash(tr("kpi.saved", kpi=kpi_name(entry), period=saved.period.code,
                 value=figure_text(entry.definition, value_of(entry.definition, saved.measurement),
                                   saved.measurement, language)))
        for key in ENTRY_KEYS:
            st.session_state[key] = "" if key == "kpi_enter_period" else None
        st.session_state["kpi_enter_replace"] = False


if may_answer and usable:
    st.header(tr("kpi.enter_title"), divider="gray", anchor=False)
    with st.container(border=True):
        ids = [k.id for k in usable]
        if st.session_state.get("kpi_enter_entry") not in ids:
            st.session_state["kpi_enter_entry"] = ids[0]
        st.selectbox(tr("kpi.enter_kpi"), ids, format_func=lambda i: plain_name(register.entry(i)),
                     key="kpi_enter_entry", placeholder=tr("common.choose"))
        chosen = register.entry(st.session_state["kpi_enter_entry"]).definition
        st.text_input(tr("kpi.enter_period"), key="kpi_enter_period", max_chars=20, placeholder="2026-Q1")
        st.caption(tr("kpi.enter_period_help"))
        if chosen.is_ratio:
            left, right = st.columns(2)
            left.number_input(tr("kpi.enter_numerator"), min_value=0.0, value=None, step=1.0, format="%g",
                              key="kpi_enter_numerator")
            left.caption(chosen.numerator.get(language))
            right.number_input(tr("kpi.enter_denominator"), min_value=0.0, value=None, step=1.0, format="%g",
                               key="kpi_enter_denominator")
            right.caption(chosen.denominator.get(language))
            st.caption(tr("kpi.enter_ratio_help", unit=unit_text(chosen, language).lower()))
        else:
            st.number_input(tr("kpi.enter_value", unit=unit_text(chosen, language).lower()), min_value=0.0, value=None,
                            step=1.0, format="%g", key="kpi_enter_value")
        st.checkbox(tr("kpi.enter_replace"), key="kpi_enter_replace")
        st.button(tr("kpi.enter_save"), type="primary", icon=":material/save:", on_click=_save_value)

    # --- a file of values ----------------------------------------------------------------------------------
    with st.expander(tr("kpi.import_title"), icon=":material/upload_file:", key="kpi_import", on_change="rerun"):
        st.markdown(tr("kpi.import_help"))
        st.download_button(tr("kpi.template"), data=template_csv([(k.code, plain_name(k)) for k in usable]),
                           file_name="kpi-waarden.csv", mime="text/csv", icon=":material/download:",
                           on_click="ignore")
        file_key = uploader_key("kpi_file")  # a new one after each import
        hide_uploader_limit(file_key)
        uploaded = st.file_uploader(tr("kpi.import_upload"), type=["csv", "txt", "xlsx"], key=file_key,
                                    max_upload_size=UPLOAD_LIMIT_MB)
        st.caption(tr("import.upload_limit", max=KPI_FILE_MAX_BYTES // (1024 * 1024)))
        upload_key = (uploaded.name, hashlib.sha256(uploaded.getvalue()).hexdigest()) if uploaded else None
        if uploaded is not None and st.button(tr("kpi.import_apply"), icon=":material/upload:"):
            st.session_state.pop("kpi_preview", None)
            try:
                preview = kpis.preview_import(db, actor=actor, organisation_id=organisation.id, library=library,
                                              filename=uploaded.name, data=uploaded.getvalue())
            except FileImportError as error:
                show_file_problems(error)
            except (service.InputError, AccessDenied) as refused:
                st.error(tr("kpi.import_failed", count=1) + "\n\n- " + error_text(refused))
            else:
                st.session_state["kpi_preview"] = (upload_key, preview)
        kept = st.session_state.get("kpi_preview")
        if kept is not None and kept[0] == upload_key:
            show_preview(kept[1], uploaded)


def _save_target(entry_id: int) -> None:
    # a target the database cannot take now stays in its field, marked, and is saved when the database is back
    if attempt(kpis.set_target, db, actor=actor, entry_id=entry_id, library=library,
               target=st.session_state[f"kpi_target_{entry_id}"], keep=("kpi_target", entry_id))[0]:
        st.toast(tr("kpi.target_saved"), icon=":material/flag:")


def kpi_card(entry: kpis.RegisterKpi) -> None:
    kpi = entry.definition
    measurements = register.measurements(entry.id)
    with st.container(border=True):
        st.subheader(kpi_name(entry), anchor=False)
        st.caption(" · ".join([kind_text(kpi, language), unit_text(kpi, language), direction_text(kpi, language)]))
        definition = kpi.definition.get(language)
        st.markdown(definition if entry.from_library else escape_md(definition))
        if entry.from_library and (areas := result_areas_text(kpi, language)):
            st.caption(areas)
        if kpi.retired:
            st.caption(tr("kpi.retired_note", replacements=", ".join(library.kpi(r).name.get(language)
                                                                       for r in kpi.replaced_by)))
        if kpi.is_ratio:
            numerator, denominator = kpi.numerator.get(language), kpi.denominator.get(language)
            st.caption(tr("kpi.ratio_line", numerator=numerator if entry.from_library else escape_md(numerator),
                          denominator=denominator if entry.from_library else escape_md(denominator)))
        if kpi.source is not None:
            source = kpi.source.get(language)
            st.caption(tr("kpi.source_line", source=source if entry.from_library else escape_md(source)))
        if not measurements:
            st.info(tr("kpi.no_values"), icon=":material/edit_note:")
        else:
            newest, value = latest(kpi, measurements)
            line = tr("kpi.latest", period=newest.period.code, value=figure_text(kpi, value, newest, language),
                      target=target_words(entry, value))
            earlier = [m for m in measurements if m.period.last_month < newest.period.first_month]
            if earlier:
                previous = max(earlier, key=lambda m: m.period.last_month)
                moved = change(kpi, value_of(kpi, previous), value)
                if moved:
                    line += " " + tr(f"kpi.change_{moved}", period=previous.period.code,
                                     value=figure_text(kpi, value_of(kpi, previous), previous, language))
            st.markdown(line)
            mine = [a for a in linked if a.entry_id == entry.id and a.start_date]
            starts = [(first_period_from(measurements, a.start_date), a.title) for a in mine]
            figure = trend_figure(kpi, measurements, entry.target if kpi.has_direction else None, language,
                                  names=names | {"unit": unit_text(kpi, language)},
                                  action_starts=[(p, t) for p, t in starts if p])
            show_chart(figure, language, key=f"kpi_chart_{entry.id}")
            numbers = st.expander(tr("kpi.as_table"))  # the chart's figures, for screen readers and for reading
            table = {tr("kpi.col_period"): [m.period.code for m in measurements]}
            if kpi.is_ratio:
                table[tr("kpi.col_numerator")] = [format_number(m.numerator, language, 0 if m.numerator.is_integer()
                                                                else 1) for m in measurements]
                table[tr("kpi.col_denominator")] = [format_number(m.denominator, language,
                                                                  0 if m.denominator.is_integer() else 1)
                                                    for m in measurements]
            table[tr("kpi.col_value")] = [figure_text(kpi, value_of(kpi, m), m, language) for m in measurements]
            numbers.table(pd.DataFrame(table).set_index(tr("kpi.col_period")))
            for year, figure_of_year in yearly(kpi, measurements).items():
                if len(figure_of_year.periods) > 1:
                    key = "kpi.year_total" if figure_of_year.value is not None else "kpi.year_not_addable"
                    st.caption(tr(key, year=year, count=len(figure_of_year.periods), months=figure_of_year.months,
                                  value=figure_text(kpi, figure_of_year.value, figure_of_year, language)))
            for action in mine:
                before, after = effect_parts(kpi, effect(kpi, measurements, action.start_date), language)
                text = tr("kpi.effect", title=escape_md(action.title), start=action.start_date.strftime("%d-%m-%Y"),
                          status=tr(f"plan.status_{action.status}"), before=before or tr("kpi.effect_no_before"),
                          after=", ".join(after) if after else tr("kpi.effect_no_after"))
                st.markdown(text)
        if not kpi.has_direction:
            st.caption(tr("kpi.context_help"))
        elif may_answer:
            key = f"kpi_target_{entry.id}"
            kept = pending(("kpi_target", entry.id))
            st.session_state[key] = kept["target"] if kept else entry.target
            st.number_input(tr("kpi.target_label", unit=unit_text(kpi, language).lower()), min_value=0.0,
                            max_value=100.0 if kpi.unit == "percentage" else None, value=None, step=1.0,
                            format="%g", key=key, on_change=_save_target, args=(entry.id,))
            if kept:
                st.warning(tr("storage.pending_mark"), icon=":material/cloud_off:")
            st.caption(tr("kpi.target_help", direction=direction_text(kpi, language).lower()))
        elif entry.target is not None:
            st.caption(tr("kpi.target_is", target=value_text(kpi, entry.target, language)))


for competency in library.competencies:
    mine = [k for k in usable if k.definition.competency == competency.id]
    if not mine:
        continue
    st.header(tr("kpi.competency_title", competency=competency.title.get(language)), divider="gray", anchor=False)
    for first in range(0, len(mine), 2):  # two cards side by side (one below the other on a phone)
        for column, entry in zip(st.columns(2), mine[first:first + 2]):
            with column:
                kpi_card(entry)

# --- comparing with similar organisations -------------------------------------------------------------------
compared = [k for k in usable if k.from_library and k.definition.unit != "count"]
years = sorted({v.period.year for values in register.values.values() for v in values}, reverse=True)
if compared and years:
    st.header(tr("kpi.peers_title"), divider="gray", anchor=False)
    last_complete = date.today().year - 1
    if st.session_state.get("kpi_peer_year") not in years:
        st.session_state["kpi_peer_year"] = last_complete if last_complete in years else years[0]
    year = st.selectbox(tr("kpi.peers_year"), years, key="kpi_peer_year", placeholder=tr("common.choose"))
    min_group = int(st.session_state.get("bench_min_group", DEFAULT_MIN_GROUP))
    figures = kpis.compare_with_peers(db, actor=actor, organisation_id=organisation.id, library=library,
                                      year=int(year), min_group=min_group)
    rows = []
    for entry in compared:
        kpi, figure = entry.definition, figures.get(entry.code)
        if figure is None:
            continue
        own_figure = yearly(kpi, register.measurements(entry.id)).get(int(year))
        own_value = own_figure.value if own_figure else None
        if figure.suppressed:
            position = tr("kpi.peers_too_small", n=figure.organisations, min=min_group)
        elif own_value is None:
            position = tr("kpi.peers_no_own", year=year)
        elif not kpi.has_direction:  # context: higher or lower than others, never better or worse
            position = tr("kpi.peers_position_context", higher=format_percent(figure.share_below, language),
                          type=tr(f"orgtype_plural.{organisation.org_type}"))
        else:
            better = figure.share_below if kpi.direction == "higher" else \
                1 - figure.share_below - figure.share_equal
            position = tr("kpi.peers_position", better=format_percent(better, language),
                          type=tr(f"orgtype_plural.{organisation.org_type}"))
        rows.append({
            tr("kpi.col_kpi"): plain_name(entry),
            tr("kpi.peers_col_own"): figure_text(kpi, own_value, own_figure, language),
            tr("kpi.peers_col_median"): "–" if figure.suppressed else value_text(kpi, figure.median, language),
            tr("kpi.peers_col_band"): "–" if figure.suppressed else
            f"{number_text(kpi, figure.p25, language)} – {number_text(kpi, figure.p75, language)}",
            tr("kpi.peers_col_organisations"): figure.organisations,
            tr("kpi.peers_col_position"): position,
        })
    if rows:
        st.table(pd.DataFrame(rows).set_index(tr("kpi.col_kpi")))
    st.caption(tr("kpi.peers_method", min=min_group, type=tr(f"orgtype_plural.{organisation.org_type}")))

# --- the register: which KPIs ---------------------------------------------------------------------------------
if may_manage:
    st.header(tr("kpi.register_title"), divider="gray", anchor=False)
    st.markdown(tr("kpi.register_intro"))
    in_register = {k.code for k in register.kpis}
    available = sorted((k for k in library.current if k.id not in in_register),
                       key=lambda k: (not k.people_centred, library.competency_ids.index(k.competency)))

    def _add_from_library() -> None:
        chosen_ids = st.session_state.get("kpi_library_choice") or []
        if not chosen_ids:
            st.session_state["page_error"] = tr("kpi.library_nothing_chosen")
            return
        if attempt(kpis.add_library_kpis, db, actor=actor, organisation_id=organisation.id, library=library,
                   kpi_ids=chosen_ids)[0]:
            st.session_state["kpi_library_choice"] = []
            flash(tr("kpi.library_added", count=len(chosen_ids)))

    with st.container(border=True):
        st.subheader(tr("kpi.library_title"), anchor=False)
        if available:
            st.multiselect(tr("kpi.library_choose"), [k.id for k in available], key="kpi_library_choice",
                           format_func=lambda i: tr("kpi.library_option", name=library.kpi(i).name.get(language),
                                                    kind=kind_text(library.kpi(i), language).lower(),
                                                    competency=library.competency_title(library.kpi(i).competency,
                                                                                        language)),
                           placeholder=tr("common.choose_many"))
            st.button(tr("kpi.library_add"), icon=":material/playlist_add:", on_click=_add_from_library)
        else:
            st.caption(tr("kpi.library_all_chosen"))
        with st.expander(tr("kpi.library_browse", count=len(library.current))):
            st.dataframe(pd.DataFrame([{
                tr("kpi.col_kpi"): k.name.get(language), tr("kpi.col_kind"): kind_text(k, language),
                tr("kpi.col_competency"): library.competency_title(k.competency, language),
                tr("kpi.col_unit"): unit_text(k, language), tr("kpi.col_direction"): direction_text(k, language),
                tr("kpi.col_definition"): k.definition.get(language),
                tr("kpi.col_result_areas"): ", ".join(tr(f"kpi.area_{a}") for a in k.result_areas),
                tr("kpi.col_source"): k.source.get(language) if k.source else "",
            } for k in library.current]), hide_index=True, width="stretch", placeholder="")

    def _add_own() -> None:
        state = st.session_state
        done, added = attempt(
            kpis.add_own_kpi, db, actor=actor, organisation_id=organisation.id, library=library,
            name=state.get("own_name", ""), definition=state.get("own_definition", ""), unit=state["own_unit"],
            direction=state["own_direction"], competency=state["own_competency"],
            people_centred=state["own_kind"] == "people", numerator=state.get("own_numerator", ""),
            denominator=state.get("own_denominator", ""), source=state.get("own_source", ""),
            id=state.get("own_id", ""))
        if done:
            for key in ("own_name", "own_definition", "own_numerator", "own_denominator", "own_source", "own_id"):
                state[key] = ""
            flash(tr("kpi.own_added", name=escape_md(added.name(language)), code=escape_md(added.code)))

    with st.expander(tr("kpi.own_title"), icon=":material/add_chart:"):
        st.caption(tr("kpi.own_help"))
        st.text_input(tr("kpi.own_name"), key="own_name", max_chars=kpis.MAX_NAME)
        st.text_area(tr("kpi.own_definition"), key="own_definition", max_chars=kpis.MAX_DEFINITION, height=90)
        left, middle, right = st.columns(3)
        left.selectbox(tr("kpi.own_unit"), list(UNITS), key="own_unit", format_func=lambda u: tr(f"kpi.unit_{u}"),
                       placeholder=tr("common.choose"))
        middle.selectbox(tr("kpi.own_direction"), list(DIRECTIONS), key="own_direction",
                         format_func=lambda d: tr(f"kpi.direction_{d}"), placeholder=tr("common.choose"))
        right.selectbox(tr("kpi.own_competency"), library.competency_ids, key="own_competency",
                        format_func=lambda c: library.competency_title(c, language), placeholder=tr("common.choose"))
        st.radio(tr("kpi.own_kind"), ["people", "traditional"], key="own_kind", horizontal=True,
                 format_func=lambda k: tr(f"kpi.kind_{k}"))
        left, right = st.columns(2)
        left.text_input(tr("kpi.own_numerator"), key="own_numerator", max_chars=kpis.MAX_RATIO_TEXT)
        right.text_input(tr("kpi.own_denominator"), key="own_denominator", max_chars=kpis.MAX_RATIO_TEXT)
        st.caption(tr("kpi.own_ratio_help"))
        st.text_input(tr("kpi.own_source"), key="own_source", max_chars=kpis.MAX_SOURCE)
        st.text_input(tr("kpi.own_id"), key="own_id", max_chars=kpis.MAX_ID, placeholder="eigen-klachten-per-wijk")
        st.caption(tr("kpi.own_id_help"))
        st.button(tr("kpi.own_add"), type="primary", icon=":material/add:", on_click=_add_own)

    if register.kpis:
        def _remove(entry_id: int) -> None:
            st.session_state.pop("kpi_confirm_remove", None)
            if attempt(kpis.remove_kpi, db, actor=actor, entry_id=entry_id)[0]:
                flash(tr("kpi.removed"))

        with st.expander(tr("kpi.remove_title"), icon=":material/delete:"):
            ids = [k.id for k in register.kpis]
            removing = st.selectbox(tr("kpi.remove_choose"), ids, key="kpi_remove_choice",
                                    format_func=lambda i: plain_name(register.entry(i)),
                                    placeholder=tr("common.choose"))
            count = len(register.values.get(removing, []))
            if st.session_state.get("kpi_confirm_remove") == removing:
                st.warning(tr("kpi.remove_confirm", kpi=kpi_name(register.entry(removing)), count=count),
                           icon=":material/warning:")
                yes, no, _ = st.columns([2, 2, 4])
                yes.button(tr("kpi.remove_yes"), type="primary", key="kpi_remove_yes", on_click=_remove,
                           args=(removing,), width="stretch")
                no.button(tr("start.delete_no"), key="kpi_remove_no", width="stretch",
                          on_click=st.session_state.pop, args=("kpi_confirm_remove", None))
            else:
                st.button(tr("kpi.remove"), key="kpi_remove", icon=":material/delete:",
                          on_click=st.session_state.__setitem__, args=("kpi_confirm_remove", removing))

# --- deleting a value ------------------------------------------------------------------------------------------
if may_answer and any(register.values.values()):
    def _delete_value() -> None:
        entry_id, period = st.session_state["kpi_delete_choice"]
        if attempt(kpis.delete_value, db, actor=actor, entry_id=entry_id, period=period)[0]:
            flash(tr("kpi.value_deleted", period=period))

    with st.expander(tr("kpi.delete_title"), icon=":material/backspace:"):
        options = [(k.id, v.period.code) for k in usable for v in register.values.get(k.id, [])]
        st.selectbox(tr("kpi.delete_choose"), options, key="kpi_delete_choice",
                     format_func=lambda o: f"{plain_name(register.entry(o[0]))} · {o[1]}",
                     placeholder=tr("common.choose"))
        st.button(tr("kpi.delete"), icon=":material/backspace:", on_click=_delete_value)
