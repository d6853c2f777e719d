"""Importing a workbook never loses data: a preview of the differences, only those written, stale-workbook
conflicts, and files that the app refuses as strictly as typed input.

Round trips are made with real clients: openpyxl (as a script or another tool would) and LibreOffice
(`libreoffice --headless --convert-to xlsx`, as a person re-saving the file in a spreadsheet program)."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

import access
from plan import service as plan
from assessment import service
from assessment.importing import (APP, WORKBOOK, AppData, ImportRefused, apply_workbook, compare,
                                  preview_workbook)
from storage.models import Base
from report.service import gather_report
from conftest import ME, built_once, libreoffice, lookup_for, member_of
from exports.workbook import META_SHEET, build_workbook
from exports.workbook_import import MAX_ROWS, WorkbookImportError, read_workbook

QUESTIONS = ["ont-toegang-1", "ont-toegang-2", "ont-toegang-3", "ont-luisteren-1"]


def dump(db) -> dict[str, list]:
    """Every row of every table, to compare before and after."""
    with db.read() as session:
        return {table.name: sorted(map(repr, session.execute(text(f'SELECT * FROM "{table.name}"')).all()))
                for table in Base.metadata.sorted_tables}


def rows_of(db, table: str) -> dict:
    with db.read() as session:
        result = session.execute(text(f'SELECT * FROM "{table}"'))
        keys = list(result.keys())
        return {tuple(row[:3]): dict(zip(keys, row)) for row in result.all()}


@pytest.fixture
def scan(db, zelfscan):
    """A draft that was started from last year's final scan (so answers carry "overgenomen"), with answers by
    two people, a comment, a target, and a plan of library actions and an own action (written once per test
    process and engine, copied for each test: `conftest.built_once`)."""
    return built_once(db, "workbook_import.scan", lambda db: _scan(db, zelfscan))


def _scan(db, zelfscan):
    org = service.create_organisation(db, actor=ME, name="Gemeente Terugzet", org_type="gemeente",
                                      size_class="inw-20-50k")
    anna = member_of(db, org.id, "anna@terugzet.nl", "invuller")
    bram = member_of(db, org.id, "bram@terugzet.nl", "invuller")
    earlier = service.create_assessment(db, actor=anna, organisation_id=org.id, period="2025", questionnaire=zelfscan)
    for question in zelfscan.questions():
        service.save_answer(db, actor=anna, assessment_id=earlier.id, question_id=question.id, value=2)
    service.finalise_assessment(db, actor=anna, assessment_id=earlier.id)
    draft = service.start_from_previous(db, actor=anna, previous_id=earlier.id, period="2026", questionnaire=zelfscan,
                                        previous_questionnaire=zelfscan)
    for question in zelfscan.questions()[:8]:
        service.save_answer(db, actor=bram, assessment_id=draft.id, question_id=question.id, value=3)
    service.save_comment(db, actor=bram, assessment_id=draft.id, question_id="ont-toegang-1",
                         comment="Zie het jaarverslag.\nEn de website.")
    service.set_target(db, actor=bram, assessment_id=draft.id, dimension_id="le-sturing", level=4)
    result = service.get_answers(db, actor=ME, assessment_id=draft.id)
    from scoring.engine import score_assessment
    scored = score_assessment(zelfscan, service.answer_values(result),
                              service.get_targets(db, actor=ME, assessment_id=draft.id))
    library = [plan.from_suggestion(s, "nl") for s in plan.suggest(zelfscan, scored)[:2]]
    ids = plan.add_actions(db, actor=bram, assessment_id=draft.id, questionnaire=zelfscan, actions=library + [
        dict(dimension_id="kg-terugkoppeling", title="Terugbelactie", owner="Team KCC", start_date=date(2026, 2, 1),
             due_date=date(2026, 6, 30), kpi="Bellers voelen zich gehoord", kpi_target="80%", expected_gain=0.5)])
    return dict(org=org, anna=anna, bram=bram, draft=draft, ids=ids, questionnaire=zelfscan)


def export(db, scan, lang="nl") -> bytes:
    """The scan's workbook as the database holds it now."""
    report = gather_report(db, actor=ME, assessment_id=scan["draft"].id, lookup=lookup_for(scan["questionnaire"]))
    return build_workbook(report, lang)


_SET_UP_EXPORTS: dict[tuple[str, str], bytes] = {}


def set_up_export(db, scan, lang="nl") -> bytes:
    """The scan's workbook as the set-up left it, for a test that exports before it changes anything: built
    once per test process, engine (the draft's id) and language, as `scan` is (`test_the_hidden_sheet_...`
    checks a new export's own time)."""
    key = (scan["draft"].id, lang)
    if key not in _SET_UP_EXPORTS:
        _SET_UP_EXPORTS[key] = export(db, scan, lang)
    return _SET_UP_EXPORTS[key]


def through_libreoffice(data: bytes, tmp_path) -> bytes:
    """The workbook opened and saved again by LibreOffice, as a person re-saving it would."""
    folder = tmp_path / "libreoffice"
    folder.mkdir(exist_ok=True)
    source = folder / "in.xlsx"
    source.write_bytes(data)
    out = folder / "out"
    done = libreoffice("--convert-to", "xlsx", "--outdir", str(out), str(source))
    converted = out / "in.xlsx"
    assert converted.exists(), done.stderr
    return converted.read_bytes()


def edited(data: bytes, change) -> bytes:
    book = load_workbook(BytesIO(data))
    change(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def resaved(data: bytes) -> bytes:
    return edited(data, lambda book: None)


def row_of(sheet, value, column: int = 1) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=column).value == value)


def read(data: bytes, scan):
    return read_workbook(data, lookup_for(scan["questionnaire"]))


CLIENTS = {"openpyxl": lambda data, tmp_path: data,
           "openpyxl, then LibreOffice": through_libreoffice}


# --- an unedited workbook --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("client", ["openpyxl", "LibreOffice"])
def test_an_unedited_workbook_re_saved_has_no_differences_and_changes_no_row(db, scan, tmp_path, lang, client):
    data = set_up_export(db, scan, lang)
    data = resaved(data) if client == "openpyxl" else through_libreoffice(data, tmp_path)
    before = dump(db)
    workbook = read(data, scan)
    preview = preview_workbook(db, workbook, actor=scan["bram"])
    assert preview.differences == () and preview.kept == ()
    assert set(preview.counts().values()) == {0}
    written = apply_workbook(db, workbook, actor=scan["bram"], confirmed=preview)
    assert set(written.values()) == {0}
    assert dump(db) == before  # not one row changed: not who answered, not when, not the log


# --- edits give exactly the intended differences ------------------------------------------------------------

def make_edits(book, scan) -> None:
    """Two answers, a comment, a plan action's status and owner, a new plan row, a deleted plan row."""
    answers, actions = book["Antwoorden"], book["Verbeterplan"]
    answers.cell(row=row_of(answers, "ont-toegang-2"), column=4).value = 5
    answers.cell(row=row_of(answers, "ont-luisteren-1"), column=4).value = None
    answers.cell(row=row_of(answers, "ont-luisteren-1"), column=5).value = "Niet van toepassing"
    answers.cell(row=row_of(answers, "ont-toegang-3"), column=7).value = "Uit het klantpanel van maart."
    own = row_of(actions, scan["ids"][2], column=11)
    actions.cell(row=own, column=6).value = "lopend"
    actions.cell(row=own, column=3).value = "Team Dienstverlening"
    last = actions.max_row
    for column, value in enumerate(["Spreekuur voor klagers", "Terugkoppeling aan de klant", "Wijkteam",
                                    None, None, "gepland", 1, "Klagers voelen zich gehoord", "75%", ""], start=1):
        actions.cell(row=last + 1, column=column).value = value
    actions.delete_rows(row_of(actions, scan["ids"][1], column=11))


@pytest.mark.parametrize("client", CLIENTS)
def test_edits_give_exactly_the_intended_differences_and_only_those_are_written(db, scan, tmp_path, client):
    draft = scan["draft"]
    data = CLIENTS[client](edited(set_up_export(db, scan), lambda book: make_edits(book, scan)), tmp_path)
    answers_before, actions_before = rows_of(db, "answers"), rows_of(db, "plan_actions")
    carl = member_of(db, scan["org"].id, "carl@terugzet.nl", "invuller")  # the one who imports

    workbook = read(data, scan)
    preview = preview_workbook(db, workbook, actor=carl)
    assert preview.counts() == {"answers": 2, "comments": 1, "targets": 0, "actions_added": 1,
                                "actions_changed": 1, "actions_removed": 1, "conflicts": 0}
    found = {(d.key, d.kind, d.fields): (d.app, d.workbook) for d in preview.differences}
    own, removed = scan["ids"][2], scan["ids"][1]
    assert found[("answer:ont-toegang-2", "changed", ("value",))] == ({"value": 3}, {"value": 5})
    assert found[("answer:ont-luisteren-1", "changed", ("value",))] == ({"value": 3}, {"value": "nvt"})
    assert found[("answer:ont-toegang-3", "changed", ("comment",))] == (
        {"comment": ""}, {"comment": "Uit het klantpanel van maart."})
    assert found[(f"action:{own}", "changed", ("owner", "status"))] == (
        {"owner": "Team KCC", "status": "planned"}, {"owner": "Team Dienstverlening", "status": "in_progress"})
    [added] = [d for d in preview.differences if d.kind == "added"]
    assert added.workbook["title"] == "Spreekuur voor klagers" and added.workbook["kpi_target"] == "75%"
    assert [d.key for d in preview.removals] == [f"action:{removed}"]
    assert preview.kept == () and preview.conflicts == ()
    assert rows_of(db, "answers") == answers_before  # a preview writes nothing

    written = apply_workbook(db, workbook, actor=carl, confirmed=preview, remove=[f"action:{removed}"])
    assert written == {"answers": 3, "targets": 0, "actions_added": 1, "actions_changed": 1, "actions_removed": 1}
    after = rows_of(db, "answers")
    changed = {(row["assessment_id"], row["question_id"]) for key, row in after.items()
               if row != answers_before.get(key)}
    assert changed == {(draft.id, q) for q in ("ont-toegang-2", "ont-luisteren-1", "ont-toegang-3")}
    for key, row in after.items():
        if (row["assessment_id"], row["question_id"]) in changed:
            assert row["answered_by"] == "carl@terugzet.nl" and row["carried_from"] is None
        else:  # unchanged rows keep everything: who, when, the "carried over" mark
            assert row == answers_before[key]
    assert any(row["carried_from"] == "2025" for row in after.values())
    answers = service.get_answers(db, actor=ME, assessment_id=draft.id)
    assert answers["ont-toegang-2"].value == 5 and answers["ont-luisteren-1"].value == "nvt"
    assert answers["ont-toegang-3"].comment == "Uit het klantpanel van maart." and answers["ont-toegang-3"].value == 3
    assert answers["ont-toegang-1"].comment == "Zie het jaarverslag.\nEn de website."

    actions_after = rows_of(db, "plan_actions")
    by_id = {row["id"]: row for row in actions_after.values()}
    assert removed not in by_id
    library_id = scan["ids"][0]
    assert by_id[library_id] == next(r for r in actions_before.values() if r["id"] == library_id)  # untouched
    assert by_id[library_id]["library_action_id"]  # still linked to the library
    assert by_id[own]["owner"] == "Team Dienstverlening" and by_id[own]["status"] == "in_progress"
    assert by_id[own]["kpi_target"] == "80%" and by_id[own]["expected_gain"] == 0.5
    [new] = [row for row in by_id.values() if row["id"] not in scan["ids"]]
    assert new["title"] == "Spreekuur voor klagers" and new["dimension_id"] == "kg-terugkoppeling"
    assert service.get_targets(db, actor=ME, assessment_id=draft.id) == {"le-sturing": 4}

    log = access.activity(db, actor=ME, assessment_id=draft.id)
    from_workbook = [e for e in log if e.detail.get("source") == "workbook"]
    assert {e.actor for e in from_workbook} == {"carl@terugzet.nl"}
    assert sorted(e.action for e in from_workbook) == sorted(
        ["answer_changed"] * 3 + ["action_changed", "action_added", "action_removed"])
    assert log[0].action == "workbook_imported" and log[0].detail["answers"] == 3

    # the same workbook again: nothing left to do
    assert preview_workbook(db, read(data, scan), actor=carl).differences == ()


def test_a_plan_action_missing_from_the_workbook_is_removed_only_when_confirmed(db, scan):
    removed = scan["ids"][0]
    data = edited(set_up_export(db, scan), lambda book: book["Verbeterplan"].delete_rows(
        row_of(book["Verbeterplan"], removed, column=11)))
    workbook = read(data, scan)
    preview = preview_workbook(db, workbook, actor=ME)
    assert [d.key for d in preview.removals] == [f"action:{removed}"]
    assert apply_workbook(db, workbook, actor=ME, confirmed=preview)["actions_removed"] == 0
    assert removed in [a.id for a in plan.list_actions(db, actor=ME, assessment_id=scan["draft"].id)]
    preview = preview_workbook(db, workbook, actor=ME)  # still missing from the workbook: asked again
    apply_workbook(db, workbook, actor=ME, confirmed=preview, remove=[f"action:{removed}"])
    assert removed not in [a.id for a in plan.list_actions(db, actor=ME, assessment_id=scan["draft"].id)]


# --- stale workbooks -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("client", CLIENTS)
def test_a_stale_workbook_gives_a_conflict_and_keeps_what_changed_only_in_the_app(db, scan, tmp_path, client):
    draft, anna, bram = scan["draft"], scan["anna"], scan["bram"]
    data = set_up_export(db, scan)
    # after the export, in the app: Anna changes two answers and an action's status
    service.save_answer(db, actor=anna, assessment_id=draft.id, question_id="ont-toegang-2", value=4)
    service.save_answer(db, actor=anna, assessment_id=draft.id, question_id="ont-toegang-3", value=1)
    own = scan["ids"][2]
    plan.update_action(db, actor=anna, assessment_id=draft.id, action_id=own, questionnaire=scan["questionnaire"],
                       status="done")

    def in_the_workbook(book):  # the same answer and status changed otherwise, another answer left alone
        answers, actions = book["Antwoorden"], book["Verbeterplan"]
        answers.cell(row=row_of(answers, "ont-toegang-2"), column=4).value = 5
        actions.cell(row=row_of(actions, own, column=11), column=6).value = "vervallen"
    workbook = read(CLIENTS[client](edited(data, in_the_workbook), tmp_path), scan)
    preview = preview_workbook(db, workbook, actor=bram)
    conflicts = {d.key: d for d in preview.conflicts}
    assert set(conflicts) == {"answer:ont-toegang-2", f"action:{own}"}
    answer = conflicts["answer:ont-toegang-2"]
    assert (answer.app, answer.workbook, answer.changed_by) == ({"value": 4}, {"value": 5}, "anna@terugzet.nl")
    assert answer.changed_at > workbook.exported_at
    action = conflicts[f"action:{own}"]
    assert (action.app, action.workbook, action.changed_by) == (
        {"status": "done"}, {"status": "dropped"}, "anna@terugzet.nl")
    assert [(d.key, d.app) for d in preview.kept] == [("answer:ont-toegang-3", {"value": 1})]
    assert preview.counts()["conflicts"] == 2 and preview.counts()["answers"] == 0

    before = dump(db)
    for choices in ({}, {"answer:ont-toegang-2": APP}):  # without a choice for every conflict: nothing written
        with pytest.raises(ImportRefused) as refused:
            apply_workbook(db, workbook, actor=bram, confirmed=preview, choices=choices)
        assert refused.value.code == "choice_missing"
        assert dump(db) == before

    apply_workbook(db, workbook, actor=bram, confirmed=preview,
                   choices={"answer:ont-toegang-2": WORKBOOK, f"action:{own}": APP})
    answers = service.get_answers(db, actor=ME, assessment_id=draft.id)
    assert (answers["ont-toegang-2"].value, answers["ont-toegang-2"].answered_by) == (5, "bram@terugzet.nl")
    assert (answers["ont-toegang-3"].value, answers["ont-toegang-3"].answered_by) == (1, "anna@terugzet.nl")
    assert next(a for a in plan.list_actions(db, actor=ME, assessment_id=draft.id) if a.id == own).status == "done"


def test_one_field_changed_in_the_app_and_another_in_the_workbook_are_both_kept(db, scan):
    draft = scan["draft"]
    data = set_up_export(db, scan)
    service.save_comment(db, actor=scan["anna"], assessment_id=draft.id, question_id="ont-toegang-2",
                         comment="Volgens Anna")
    workbook = read(edited(data, lambda book: setattr(book["Antwoorden"].cell(
        row=row_of(book["Antwoorden"], "ont-toegang-2"), column=4), "value", 1)), scan)
    preview = preview_workbook(db, workbook, actor=ME)
    assert preview.conflicts == ()
    assert [(d.key, d.fields) for d in preview.differences] == [("answer:ont-toegang-2", ("value",))]
    assert [(d.key, d.fields) for d in preview.kept] == [("answer:ont-toegang-2", ("comment",))]
    apply_workbook(db, workbook, actor=ME, confirmed=preview)
    answer = service.get_answers(db, actor=ME, assessment_id=draft.id)["ont-toegang-2"]
    assert (answer.value, answer.comment) == (1, "Volgens Anna")


def test_actions_changed_removed_or_added_in_the_app_after_the_export(db, scan):
    draft, questionnaire, anna = scan["draft"], scan["questionnaire"], scan["anna"]
    first, second, own = scan["ids"]
    data = set_up_export(db, scan)
    plan.update_action(db, actor=anna, assessment_id=draft.id, action_id=first, questionnaire=questionnaire,
                       owner="Anna")
    plan.delete_action(db, actor=anna, assessment_id=draft.id, action_id=second)
    plan.delete_action(db, actor=anna, assessment_id=draft.id, action_id=own)
    [later] = plan.add_actions(db, actor=anna, assessment_id=draft.id, questionnaire=questionnaire,
                               actions=[dict(dimension_id="le-analyse", title="Na de export")])

    def in_the_workbook(book):  # the first one deleted, the own one (deleted in the app) changed
        actions = book["Verbeterplan"]
        actions.cell(row=row_of(actions, own, column=11), column=3).value = "Team Buiten"
        actions.delete_rows(row_of(actions, first, column=11))
    preview = preview_workbook(db, read(edited(data, in_the_workbook), scan), actor=ME)
    conflicts = {d.key: d for d in preview.conflicts}
    assert set(conflicts) == {f"action:{first}", f"action:{own}"}
    assert conflicts[f"action:{first}"].kind == "removed" and conflicts[f"action:{first}"].conflicts == ("owner",)
    assert conflicts[f"action:{own}"].removed_in_app and conflicts[f"action:{own}"].changed_by == "anna@terugzet.nl"
    kept = {d.key: d.kind for d in preview.kept}  # (SQLite may give the new action the number of a removed one)
    assert kept == {f"action:{second}": "removed", f"later:{later}": "added"}
    workbook = read(edited(data, in_the_workbook), scan)
    apply_workbook(db, workbook, actor=ME, confirmed=preview,
                   choices={f"action:{first}": WORKBOOK, f"action:{own}": WORKBOOK})
    titles = {a.title: a for a in plan.list_actions(db, actor=ME, assessment_id=draft.id)}
    assert sorted(titles) == ["Na de export", "Terugbelactie"]  # the first removed; the second stays removed
    assert titles["Terugbelactie"].owner == "Team Buiten"  # added back, with the workbook's change


def test_targets_set_in_the_workbook_and_in_the_app(db, scan):
    draft = scan["draft"]
    data = set_up_export(db, scan)
    service.set_target(db, actor=scan["anna"], assessment_id=draft.id, dimension_id="ont-toegang", level=5)

    def in_the_workbook(book):
        scores = book["Scores"]
        scores.cell(row=row_of(scores, "Laagdrempelig en zichtbaar", column=2), column=6).value = 2  # default: 4
        scores.cell(row=row_of(scores, "Sturen op de bedoeling", column=2), column=6).value = None  # the default
    workbook = read(edited(data, in_the_workbook), scan)
    preview = preview_workbook(db, workbook, actor=ME)
    assert [(d.key, d.app, d.workbook, d.conflict) for d in preview.differences] == [
        ("target:ont-toegang", {"level": 5}, {"level": 2}, True),
        ("target:le-sturing", {"level": 4}, {"level": None}, False)]
    assert preview.differences[0].changed_by == "anna@terugzet.nl"
    apply_workbook(db, workbook, actor=ME, confirmed=preview, choices={"target:ont-toegang": APP})
    assert service.get_targets(db, actor=ME, assessment_id=draft.id) == {"ont-toegang": 5}


def test_nothing_is_written_when_the_app_changed_after_the_preview(db, scan):
    draft = scan["draft"]
    data = edited(set_up_export(db, scan), lambda book: setattr(book["Antwoorden"].cell(
        row=row_of(book["Antwoorden"], "ont-toegang-2"), column=4), "value", 5))
    workbook = read(data, scan)
    preview = preview_workbook(db, workbook, actor=ME)
    assert preview.conflicts == ()
    service.save_answer(db, actor=scan["anna"], assessment_id=draft.id, question_id="ont-toegang-2", value=1)
    before = dump(db)
    with pytest.raises(ImportRefused) as refused:
        apply_workbook(db, workbook, actor=ME, confirmed=preview)
    assert refused.value.code == "changed_since_preview"
    assert dump(db) == before
    assert [d.key for d in preview_workbook(db, workbook, actor=ME).conflicts] == ["answer:ont-toegang-2"]


def test_compare_is_a_plain_function_of_the_workbook_and_the_apps_data(db, scan):
    """The page, the confirmation and the tests use the same function, without a database."""
    workbook = read(set_up_export(db, scan), scan)
    empty = compare(workbook, AppData())
    # against an app without any data, every exported answer with a value looks removed in the app: kept
    assert empty.conflicts == () and empty.counts()["answers"] == 0 and len(empty.kept) > 0
    new = compare(workbook, AppData(), new_assessment=True)
    assert new.counts()["actions_added"] == 3 and new.counts()["answers"] == 36  # 28 carried over, 8 given


# --- strict and limited reading (issue 17) --------------------------------------------------------------------

def problems_of(data: bytes, scan) -> list[tuple]:
    with pytest.raises(WorkbookImportError) as caught:
        read(data, scan)
    return [(p.code, p.sheet, p.row, p.column, p.params) for p in caught.value.problems]


def test_values_the_app_refuses_are_refused_in_the_file_with_sheet_row_and_column(db, scan):
    own = scan["ids"][2]
    before = dump(db)

    def hostile(book):
        answers, actions = book["Antwoorden"], book["Verbeterplan"]
        long = answers.cell(row=row_of(answers, "ont-toegang-1"), column=7)
        long._value, long.data_type = "x" * 40_000, "s"  # as another program writes it (openpyxl would cut it)
        answers.cell(row=row_of(answers, "ont-toegang-2"), column=7).value = '=HYPERLINK("http://x","klik")'
        answers.cell(row=row_of(answers, "ont-toegang-3"), column=4).value = "=2+2"
        row = row_of(actions, own, column=11)
        actions.cell(row=row, column=1).value = '=CONCAT("a","b")'
        other = row_of(actions, scan["ids"][0], column=11)
        actions.cell(row=other, column=3).value = "e" * 101
        actions.cell(row=other, column=7).value = 7
        actions.cell(row=other, column=4).value = date(2026, 5, 1)
        actions.cell(row=other, column=5).value = date(2026, 4, 1)
        actions.cell(row=other, column=8).value = "k" * 301
    found = problems_of(edited(set_up_export(db, scan), hostile), scan)
    codes = [(code, sheet, column, params.get("error")) for code, sheet, _, column, params in found]
    assert codes == [
        ("input_error", "Antwoorden", "G", "too_long"),  # refused, never cut to what fits
        ("formula", "Antwoorden", "G", None),  # a formula is not read as empty (or as its result)
        ("formula", "Antwoorden", "D", None),
        ("input_error", "Verbeterplan", "C", "too_long"),
        ("input_error", "Verbeterplan", "G", "invalid_gain"),
        ("input_error", "Verbeterplan", "H", "too_long"),
        ("input_error", "Verbeterplan", "E", "due_before_start"),
        ("formula", "Verbeterplan", "A", None),  # not "the action has no title"
    ]
    assert found[0][4] == {"error": "too_long", "field": "comment", "max": 5000, "length": 40000}
    assert all(row for _, _, row, _, _ in found)
    assert dump(db) == before


def test_a_formula_still_is_a_formula_after_libreoffice_and_is_refused(db, scan, tmp_path):
    data = edited(set_up_export(db, scan), lambda book: setattr(book["Antwoorden"].cell(
        row=row_of(book["Antwoorden"], "ont-toegang-2"), column=7), "value", '=UPPER("geheim")'))
    found = problems_of(through_libreoffice(data, tmp_path), scan)
    assert [(code, sheet, column) for code, sheet, _, column, _ in found] == [("formula", "Antwoorden", "G")]


def test_moved_columns_and_wrong_action_numbers_are_refused(db, scan):
    first, second, _ = scan["ids"]
    found = problems_of(edited(set_up_export(db, scan), lambda book: book["Antwoorden"].insert_cols(3)), scan)
    assert found[0][:4] == ("unexpected_header", "Antwoorden", 1, "C")

    def numbers(book):
        actions = book["Verbeterplan"]
        actions.cell(row=row_of(actions, second, column=11), column=11).value = first
        actions.cell(row=actions.max_row + 1, column=1).value = "Nieuw"
        actions.cell(row=actions.max_row, column=2).value = "Signalen analyseren"
        actions.cell(row=actions.max_row, column=6).value = "gepland"
        actions.cell(row=actions.max_row, column=11).value = 999_999
    found = problems_of(edited(set_up_export(db, scan), numbers), scan)
    assert [(code, column) for code, _, _, column, _ in found] == [("duplicate_action_number", "K"),
                                                                  ("unknown_action_number", "K")]


def test_limits_are_checked_before_the_sheets_are_read(db, scan):
    def many_rows(book):
        actions = book["Verbeterplan"]
        for row in range(5, MAX_ROWS + 10):
            actions.cell(row=row, column=1).value = f"Actie {row}"
    found = problems_of(edited(set_up_export(db, scan), many_rows), scan)
    assert [(code, sheet, params) for code, sheet, _, _, params in found] == [
        ("too_many_rows", "Verbeterplan", {"max": MAX_ROWS})]

    # a sheet that says it is huge is refused by its stated size, without reading its rows
    def huge(book):
        book["Antwoorden"].cell(row=200_000, column=1).value = "ont-toegang-1"
    found = problems_of(edited(set_up_export(db, scan), huge), scan)
    assert [(code, sheet) for code, sheet, _, _, _ in found] == [("too_many_rows", "Antwoorden")]

    def wide(book):
        book["Scores"].cell(row=900, column=200).value = "x"
    found = problems_of(edited(set_up_export(db, scan), wide), scan)
    assert [code for code, *_ in found] == ["too_many_cells"]

    # a zip that unpacks to far more than any workbook of this tool
    import zipfile
    bomb = BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "a" * (60 * 1024 * 1024))
    assert problems_of(bomb.getvalue(), scan)[0][0] == "too_large_unpacked"


def test_a_workbook_of_an_older_version_is_refused_with_a_way_forward(db, scan):
    def older(book):
        meta = book[META_SHEET]
        meta["B1"] = "klantbewust-workbook/1"
    assert [p[0] for p in problems_of(edited(set_up_export(db, scan), older), scan)] == ["old_format"]


def test_a_changed_hidden_sheet_is_refused(db, scan):
    def tampered(book):
        meta = book[META_SHEET]
        row = next(r for r in range(1, meta.max_row + 1) if str(meta.cell(row=r, column=1).value).startswith("answer:"))
        meta.cell(row=row, column=2).value = "geknoeid"
    assert [p[0] for p in problems_of(edited(set_up_export(db, scan), tampered), scan)] == ["foreign_file"]


def test_the_hidden_sheet_records_when_and_what_was_exported(db, scan):
    book = load_workbook(BytesIO(export(db, scan)))
    meta = {row[0]: row[1] for row in book[META_SHEET].iter_rows(values_only=True)}
    from datetime import datetime, timezone
    exported_at = datetime.fromisoformat(meta["exported_at"])
    assert exported_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(timezone.utc) - exported_at).total_seconds()) < 60
    assert meta[f"action:{scan['ids'][0]}"].startswith("title=") and "comment=" in meta["answer:ont-toegang-1"]
    assert json.dumps(meta)  # plain text only


def test_a_number_or_a_date_typed_as_text_is_read_as_what_it_says(db, scan):
    own = scan["ids"][2]

    def typed_as_text(book):
        answers, actions, scores = book["Antwoorden"], book["Verbeterplan"], book["Scores"]
        answers.cell(row=row_of(answers, "ont-toegang-2"), column=4).value = "4"
        actions.cell(row=row_of(actions, own, column=11), column=5).value = "15-07-2026"
        actions.cell(row=row_of(actions, own, column=11), column=4).value = "2026-02-01"  # as it was
        scores.cell(row=row_of(scores, "Sturen op de bedoeling", column=2), column=6).value = "5"
    preview = preview_workbook(db, read(edited(set_up_export(db, scan), typed_as_text), scan), actor=ME)
    assert [(d.key, d.workbook) for d in preview.differences] == [
        ("answer:ont-toegang-2", {"value": 4}), ("target:le-sturing", {"level": 5}),
        (f"action:{own}", {"due_date": "2026-07-15"})]
    found = problems_of(edited(set_up_export(db, scan), lambda book: setattr(book["Verbeterplan"].cell(
        row=row_of(book["Verbeterplan"], own, column=11), column=5), "value", "volgende week")), scan)
    assert [(code, column, params) for code, _, _, column, params in found] == [
        ("invalid_date", "E", {"value": "volgende week"})]


@pytest.mark.parametrize("lang, old", [("nl", "Mensgerichte KPI"), ("en", "People-centred KPI")])
def test_a_workbook_exported_before_the_kpi_column_was_renamed_still_imports(db, scan, lang, old):
    """The plan's column is now "KPI" (most library KPIs count activities, see `kpi_kind`); a workbook exported
    with the old header reads the same."""
    data = set_up_export(db, scan, lang)
    sheet_name = "Verbeterplan" if lang == "nl" else "Improvement plan"
    assert load_workbook(BytesIO(data))[sheet_name]["H1"].value == "KPI"

    def old_header(book):
        book[sheet_name]["H1"].value = old
    workbook = read_workbook(edited(data, old_header), lookup_for(scan["questionnaire"]))
    assert len(workbook.actions) == 3
