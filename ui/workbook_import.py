"""The workbook import on the Resultaten page: upload a workbook, check it, compare it with the app, let the user
choose per conflict and per removal, then write only what was confirmed (`assessment.importing`)."""

from __future__ import annotations

from datetime import date
from typing import Callable

import pandas as pd
import streamlit as st

from scoring.legal import LEGAL_PREFIX, is_legal_key

from assessment.importing import (ANSWERS, APP, PLAN, TARGETS, WORKBOOK, Difference, ImportPreview, apply_workbook,
                                  preview_workbook)
from exports.workbook_import import MAX_BYTES, MB, SHOWN_PROBLEMS, WorkbookImportError, read_workbook
from i18n import format_number
from ui.language import lang, tr
from ui.messages import import_problem_text
from ui.safe_text import escape_md, local_time
from ui.session import attempt, catalog, empty_uploader, hide_uploader_limit, uploader_key, who_text

IMPORT_STATE = ("import_preview", "import_workbook", "import_problems", "import_error")
UPLOAD_CEILING_MB = 5 * MAX_BYTES // MB  # larger files are refused by the uploader itself (in English)
SHEET_NAMES = {ANSWERS: "export.sheet_answers", TARGETS: "export.sheet_scores", PLAN: "export.sheet_plan"}


def show_workbook_import(db, actor, assessment, questionnaire, title_of: Callable[[str], str],
                         answer_text: Callable[[object], str]) -> None:
    """The import box (for those who may answer); `title_of` names a competency or dimension by its id,
    `answer_text` an answer as the page shows it."""
    language = lang()
    file_key = uploader_key("import_file")  # a new, empty one after each import

    def _forget_import() -> None:
        for key in IMPORT_STATE:
            st.session_state.pop(key, None)


    def _refused_here() -> None:
        """A refusal that `attempt` put aside for the top of the page belongs in the import box."""
        if "page_error" in st.session_state:
            st.session_state["import_error"] = st.session_state.pop("page_error")


    def _check_workbook() -> None:
        _forget_import()
        uploaded = st.session_state.get(file_key)
        if uploaded is None:
            return
        try:
            workbook = read_workbook(uploaded.getvalue(), catalog().get)
        except WorkbookImportError as error:
            st.session_state["import_problems"] = error.problems
            return
        if workbook.assessment_id != assessment.id:
            st.session_state["import_error"] = tr("import.other_assessment", period=escape_md(workbook.period),
                                                  organisation=escape_md(workbook.organisation))
            return
        ok, preview = attempt(preview_workbook, db, workbook, actor=actor)
        if ok:
            st.session_state["import_preview"], st.session_state["import_workbook"] = preview, workbook
        _refused_here()


    def _choice_key(preview: ImportPreview, difference: Difference) -> str:
        return f"import_choice_{preview.signature[:12]}_{difference.key}"


    def _remove_key(preview: ImportPreview, difference: Difference) -> str:
        return f"import_remove_{preview.signature[:12]}_{difference.key}"


    def _choose_all(choice: str) -> None:
        preview = st.session_state.get("import_preview")
        for difference in preview.conflicts if preview else ():
            st.session_state[_choice_key(preview, difference)] = choice


    def _confirm_import() -> None:
        preview, workbook = st.session_state.get("import_preview"), st.session_state.get("import_workbook")
        if preview is None or workbook is None:
            return
        choices = {d.key: st.session_state.get(_choice_key(preview, d)) for d in preview.conflicts}
        undecided = sum(1 for choice in choices.values() if choice is None)
        if undecided:
            st.session_state["import_error"] = tr("import.choice_missing", count=undecided)
            return
        remove = [d.key for d in preview.removals if st.session_state.get(_remove_key(preview, d))]
        ok, written = attempt(apply_workbook, db, workbook, actor=actor, confirmed=preview, choices=choices,
                              remove=remove)
        if ok:
            _forget_import()
            empty_uploader("import_file")
            parts = [tr(f"import.written_{kind}", count=n) for kind, n in written.items() if n]
            st.session_state["import_done"] = tr("import.done", parts=", ".join(parts)) if parts else \
                tr("import.done_nothing")
            return
        _refused_here()
        # the comparison may be out of date (the app changed in the meantime): show what is true now
        again, fresh = attempt(preview_workbook, db, workbook, actor=actor)
        if again:
            st.session_state["import_preview"] = fresh
        else:
            st.session_state.pop("import_preview", None)
            _refused_here()


    def _cancel_import() -> None:
        _forget_import()
        st.session_state["import_done"] = tr("import.cancelled")


    def _item(difference: Difference, short: bool = False) -> str:
        """What a row is about, as people know it: the question (its code, with its text unless `short`), the
        section or the action."""
        if difference.sheet == ANSWERS:
            if short:
                return difference.label
            if is_legal_key(difference.label):
                item = questionnaire.legal_item(difference.label[len(LEGAL_PREFIX):])
                text = f"{item.article} · {item.text.get(language)}"
            else:
                text = questionnaire.question(difference.label).text.get(language)
            return f"{difference.label} · {text if len(text) <= 60 else text[:59].rstrip() + '…'}"
        if difference.sheet == TARGETS:
            return title_of(difference.label)
        return difference.label


    def _field_name(difference: Difference, name: str) -> str:
        if difference.sheet == TARGETS:
            return tr("field.level")
        return tr(f"field.{name}")


    def _shown(difference: Difference, name: str, value) -> str:
        """A value of a difference as text."""
        if name == "value":
            return answer_text(value)
        if name == "level":
            return tr("import.target_default") if value is None else \
                f"{value} · {questionnaire.scale.levels[value - 1].label.get(language)}"
        if name == "dimension_id":
            return title_of(value) if value else ""
        if name == "status":
            return tr(f"plan.status_{value}")
        if name in ("start_date", "due_date"):
            return date.fromisoformat(value).strftime("%d-%m-%Y") if value else tr("import.value_empty")
        if name == "expected_gain":
            return format_number(value, language, 2).rstrip("0").rstrip(",.") if value is not None else ""
        return value if value not in (None, "") else tr("import.value_empty")


    def _action_summary(values: dict) -> str:
        parts = [values.get("title") or "", title_of(values["dimension_id"]) if values.get("dimension_id") else "",
                 tr(f"plan.status_{values['status']}") if values.get("status") else ""]
        return " · ".join(part for part in parts if part)


    def _table_rows(differences) -> list[dict]:
        rows = []
        for difference in differences:
            common = {tr("import.col_row"): str(difference.row) if difference.row else "–",
                      tr("import.col_item"): _item(difference)}
            if difference.kind == "added" and difference.sheet == PLAN:  # new in the workbook, or (kept) in the app
                rows.append(common | {tr("import.col_field"): tr("import.value_new"),
                                      tr("import.col_app"): _action_summary(difference.app) or "–",
                                      tr("import.col_workbook"): _action_summary(difference.workbook) or "–"})
            elif difference.kind == "removed":
                rows.append(common | {tr("import.col_field"): tr("import.value_removed"),
                                      tr("import.col_app"): _action_summary(difference.app) or "–",
                                      tr("import.col_workbook"): _action_summary(difference.workbook) or "–"})
            else:
                for name in difference.fields:
                    rows.append(common | {tr("import.col_field"): _field_name(difference, name),
                                          tr("import.col_app"): _shown(difference, name, difference.app.get(name)),
                                          tr("import.col_workbook"): _shown(difference, name,
                                                                            difference.workbook.get(name))})
        return rows


    def _show_table(differences) -> None:
        rows = _table_rows(differences)
        if rows:
            # every column in view: the values side by side matter most
            columns = {tr("import.col_row"): st.column_config.TextColumn(width=40),
                       tr("import.col_item"): st.column_config.TextColumn(width=300),
                       tr("import.col_field"): st.column_config.TextColumn(width=100),
                       tr("import.col_app"): st.column_config.TextColumn(width=220),
                       tr("import.col_workbook"): st.column_config.TextColumn(width=220)}
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3,
                         column_config=columns, placeholder="")


    def _who(difference: Difference) -> str:
        if difference.changed_by and difference.changed_at:
            return tr("import.changed_by", when=local_time(difference.changed_at),
                      who=escape_md(who_text(difference.changed_by)))
        return tr("import.changed_unknown")


    def _show_conflict(preview: ImportPreview, difference: Difference) -> None:
        with st.container(border=True):
            item = _item(difference)
            where = f"{tr(SHEET_NAMES[difference.sheet])}" + (
                f", {tr('import.col_row').lower()} {difference.row}" if difference.row else "")
            st.markdown(f"**{escape_md(item)}** ({where})")
            names = difference.conflicts or difference.fields or tuple(difference.app)
            app_side, workbook_side = st.columns(2)
            with app_side:
                st.markdown(f"**{tr('import.side_app')}**")
                if difference.removed_in_app:
                    st.markdown(tr("import.removed_in_app"))
                else:
                    for name in names:
                        if name in difference.app:
                            st.markdown(f"{_field_name(difference, name)}: "
                                        f"{escape_md(_shown(difference, name, difference.app[name]))}")
                st.caption(_who(difference))
            with workbook_side:
                st.markdown(f"**{tr('import.side_workbook')}**")
                if difference.kind == "removed":
                    st.markdown(tr("import.removed_in_workbook"))
                else:
                    for name in names:
                        if name in difference.workbook:
                            st.markdown(f"{_field_name(difference, name)}: "
                                        f"{escape_md(_shown(difference, name, difference.workbook[name]))}")
            st.radio(tr("import.choice_label", item=escape_md(_item(difference, short=True))), [APP, WORKBOOK],
                     index=None, horizontal=True,
                     key=_choice_key(preview, difference),
                     format_func=lambda choice: tr("import.choice_app" if choice == APP else "import.choice_workbook"))




    def _show_preview(preview: ImportPreview) -> None:
        st.subheader(tr("import.preview_title"), anchor=False)
        st.caption(tr("import.exported_at", when=local_time(preview.exported_at)))
        if preview.new_assessment:
            st.info(tr("import.new_assessment"), icon=":material/info:")
        if preview.kept:
            st.info(tr("import.kept", count=len(preview.kept)), icon=":material/info:")
        if not preview.differences:
            st.success(tr("import.no_differences"), icon=":material/check_circle:")
            if preview.kept:
                st.markdown(f"**{tr('import.kept_title')}**")
                _show_table(preview.kept)
            return
        counts = preview.counts()
        parts = [tr(f"import.count_{kind}", count=n) for kind, n in counts.items() if n]
        st.markdown(tr("import.summary", parts=", ".join(parts)))
        plain = [d for d in preview.differences if not d.conflict]
        if plain:
            st.markdown(f"**{tr('import.details')}**")
            for sheet in (ANSWERS, TARGETS, PLAN):
                in_sheet = [d for d in plain if d.sheet == sheet]
                if in_sheet:
                    st.markdown(tr(SHEET_NAMES[sheet]))
                    _show_table(in_sheet)
        if preview.kept:
            st.markdown(f"**{tr('import.kept_title')}**")
            _show_table(preview.kept)
        if preview.conflicts:
            st.subheader(tr("import.conflicts_title"), anchor=False)
            st.markdown(tr("import.conflicts_help"))
            keep, take = st.columns(2)
            keep.button(tr("import.keep_all_app"), on_click=_choose_all, args=(APP,), width="stretch",
                        icon=":material/smartphone:")
            take.button(tr("import.take_all_workbook"), on_click=_choose_all, args=(WORKBOOK,), width="stretch",
                        icon=":material/table_view:")
            for difference in preview.conflicts:
                _show_conflict(preview, difference)
        if preview.removals:
            st.subheader(tr("import.removed_title"), anchor=False)
            st.markdown(tr("import.removed_help"))
            for difference in preview.removals:
                st.checkbox(tr("import.remove_label", title=escape_md(difference.label)),
                            key=_remove_key(preview, difference))
        confirm, cancel = st.columns(2)
        confirm.button(tr("import.confirm"), type="primary", on_click=_confirm_import, width="stretch",
                       icon=":material/save:")
        cancel.button(tr("import.cancel"), on_click=_cancel_import, width="stretch", icon=":material/close:")

    active = any(key in st.session_state for key in IMPORT_STATE + ("import_done",))
    with st.expander(tr("import.title"), icon=":material/upload_file:", expanded=active):
        st.caption(tr("import.help"))
        if "import_done" in st.session_state:
            st.success(st.session_state.pop("import_done"), icon=":material/check_circle:")
        # the limit is said (and checked) in the user's language; the uploader's own English line about its
        # larger ceiling would contradict it, so it is hidden
        hide_uploader_limit(file_key)
        # other spreadsheet files are let through, so that the app can say in the user's language what to do
        uploaded = st.file_uploader(tr("import.upload"), type=["xlsx", "xlsm", "xls", "ods", "csv"], key=file_key,
                                    max_upload_size=UPLOAD_CEILING_MB, on_change=_forget_import)
        st.caption(tr("import.upload_limit", max=MAX_BYTES // MB))
        if uploaded is not None:
            st.button(tr("import.check"), icon=":material/fact_check:", on_click=_check_workbook)
        if "import_error" in st.session_state:
            st.error(st.session_state["import_error"], icon=":material/error:")
        problems = st.session_state.get("import_problems")
        if problems:
            lines = "\n".join("- " + import_problem_text(problem) for problem in problems[:SHOWN_PROBLEMS])
            more = len(problems) - SHOWN_PROBLEMS
            st.error(tr("import.failed") + "\n\n" + lines + (
                "\n\n" + tr("import.more_problems", count=more) if more > 0 else ""), icon=":material/error:")
        if "import_preview" in st.session_state:
            _show_preview(st.session_state["import_preview"])
