"""The Resultaten page's workbook import in AppTest: check, a preview in plain words, confirm writes, cancel
writes nothing, conflicts need a choice, and problems in a file are named so that a user can act on them."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from plan import service as plan
from assessment import service
from report.service import gather_report
from conftest import FIXTURES, ME, lookup_for
from exports.workbook import build_workbook
from i18n import t
from ui.safe_text import escape_md
from questionnaires.loader import load_questionnaire
from test_app import app_env, button, new_session, texts  # noqa: F401,F811 - app_env is a fixture
from test_workbook_import import dump, row_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def scan(app_env):  # noqa: F811
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Import", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026",
                                           questionnaire=mini)
    for question in mini.questions():
        service.save_answer(app_env, actor=ME, assessment_id=assessment.id, question_id=question.id, value=3)
    ids = plan.add_actions(app_env, actor=ME, assessment_id=assessment.id, questionnaire=mini, actions=[
        dict(dimension_id="d1", title="Klachtenspreekuur", owner="Team A", start_date=date(2026, 1, 1)),
        dict(dimension_id="d2", title="**Vet** [link](http://x)", owner="Team B")])
    return dict(db=app_env, mini=mini, assessment=assessment, ids=ids)


def workbook(scan, change=None, lang="nl") -> bytes:
    report = gather_report(scan["db"], actor=ME, assessment_id=scan["assessment"].id, lookup=lookup_for(scan["mini"]))
    data = build_workbook(report, lang)
    if change is None:
        return data
    book = load_workbook(BytesIO(data))
    change(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload_and_check(scan, data: bytes, lang="nl"):
    at = new_session("views/results.py", a=scan["assessment"].id, lang=lang)
    at.file_uploader(key="import_file_0").set_value(("klantbewust-2026.xlsx", data, XLSX)).run()
    button(at, "Werkboek controleren" if lang == "nl" else "Check the workbook").click().run()
    assert not at.exception
    return at


def edit(scan, lang="nl"):
    def change(book):
        answers, actions = book[t("export.sheet_answers", lang)], book[t("export.sheet_plan", lang)]
        answers.cell(row=row_of(answers, "d1-1"), column=4).value = 5
        answers.cell(row=row_of(answers, "d1-2"), column=7).value = "Uit de klantreis"
        actions.cell(row=row_of(actions, scan["ids"][0], column=11), column=6).value = t("plan.status_done", lang)
    return change


def test_the_preview_shows_the_differences_cancel_writes_nothing_and_confirm_writes_them(scan):
    db = scan["db"]
    before = dump(db)
    at = upload_and_check(scan, workbook(scan, edit(scan)))
    page = texts(at)
    assert "In het werkboek: 1 antwoord anders, 1 toelichting anders, 1 actie anders." in page
    assert "Dit werkboek is gedownload op " in page
    details = [frame.value for frame in at.dataframe if "Nu in de app" in frame.value.columns]
    rows = [tuple(row) for frame in details for row in frame[["Wat", "Nu in de app", "In het werkboek"]].values]
    assert ("Antwoord", "3 · Niveau 3", "5 · Niveau 5") in rows
    assert ("Toelichting", "(leeg)", "Uit de klantreis") in rows
    assert ("Status", "gepland", "afgerond") in rows
    assert dump(db) == before  # checking and showing write nothing

    button(at, "Annuleren").click().run()
    assert "Het terugzetten is geannuleerd. Er is niets veranderd." in texts(at)
    assert "In het werkboek:" not in texts(at)
    assert dump(db) == before

    button(at, "Werkboek controleren").click().run()
    button(at, "Verschillen opslaan").click().run()
    assert not at.exception
    assert "Het werkboek is verwerkt. Opgeslagen: 2 antwoorden, 1 veranderde actie." in texts(at)
    # the imported workbook is no longer on offer: the next one goes into a new, empty uploader
    assert [u.key for u in at.get("file_uploader")] == ["import_file_1"] and at.get("file_uploader")[0].value is None
    assert "Werkboek controleren" not in [b.label for b in at.button]
    answers = service.get_answers(db, actor=ME, assessment_id=scan["assessment"].id)
    assert answers["d1-1"].value == 5 and answers["d1-2"].comment == "Uit de klantreis"
    assert answers["d1-3"].value == 3
    actions = {a.id: a for a in plan.list_actions(db, actor=ME, assessment_id=scan["assessment"].id)}
    assert actions[scan["ids"][0]].status == "done" and actions[scan["ids"][1]].status == "planned"


def test_an_unedited_workbook_says_there_is_nothing_to_change(scan):
    before = dump(scan["db"])
    at = upload_and_check(scan, workbook(scan))
    assert "Het werkboek is gelijk aan de app. Er is niets te veranderen en er is niets opgeslagen." in texts(at)
    assert "Verschillen opslaan" not in [b.label for b in at.button]
    assert dump(scan["db"]) == before


def test_a_conflict_is_shown_side_by_side_and_needs_a_choice(scan):
    db, assessment = scan["db"], scan["assessment"]
    data = workbook(scan, edit(scan))
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=1)  # after export
    at = upload_and_check(scan, data)
    page = texts(at)
    assert "1 conflict" in page and "Conflicten: in de app én in het werkboek veranderd" in page
    assert "Antwoord: 1 · Niveau 1" in page and "Antwoord: 5 · Niveau 5" in page
    assert "door lokale gebruiker" in page.lower() or "door de lokale gebruiker" in page.lower()
    radio = at.radio(key=next(r.key for r in at.radio if r.key.startswith("import_choice_")))
    assert radio.value is None  # no choice made for the user

    before = dump(db)
    button(at, "Verschillen opslaan").click().run()
    assert "Kies eerst bij het conflict welke versie blijft. Er is nog niets opgeslagen." in texts(at)
    assert dump(db) == before

    button(at, "Overal de versie van het werkboek nemen").click().run()
    assert at.radio(key=radio.key).value == "workbook"
    button(at, "Verschillen opslaan").click().run()
    assert not at.exception
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id)["d1-1"].value == 5


def test_a_removed_action_is_removed_only_when_ticked(scan):
    db, assessment = scan["db"], scan["assessment"]
    data = workbook(scan, lambda book: book["Verbeterplan"].delete_rows(
        row_of(book["Verbeterplan"], scan["ids"][1], column=11)))
    at = upload_and_check(scan, data)
    page = texts(at)
    assert "In het werkboek: 1 actie verwijderd." in page
    labels = [c.label for c in at.checkbox]
    # the title is shown as text, never as markup
    assert labels == ["Ook uit de app verwijderen: " + escape_md("**Vet** [link](http://x)")]
    button(at, "Verschillen opslaan").click().run()
    assert len(plan.list_actions(db, actor=ME, assessment_id=assessment.id)) == 2  # not ticked: kept
    # the same workbook once more (the uploader is a new, empty one after an import), now with the tick
    at.file_uploader(key="import_file_1").set_value(("klantbewust-2026.xlsx", data, XLSX)).run()
    button(at, "Werkboek controleren").click().run()
    at.checkbox(key=at.checkbox[0].key).check().run()
    button(at, "Verschillen opslaan").click().run()
    assert [a.id for a in plan.list_actions(db, actor=ME, assessment_id=assessment.id)] == [scan["ids"][0]]


def test_problems_in_a_file_are_named_so_that_a_user_can_act_on_them(scan):
    before = dump(scan["db"])

    def hostile(book):
        answers, actions = book["Antwoorden"], book["Verbeterplan"]
        long = answers.cell(row=row_of(answers, "d1-1"), column=7)
        long._value, long.data_type = "x" * 40_000, "s"
        answers.cell(row=row_of(answers, "d1-2"), column=4).value = "=1+2"
        first = row_of(actions, scan["ids"][0], column=11)
        actions.cell(row=first, column=1).value = '=HYPERLINK("http://x","klik")'
        actions.cell(row=first, column=5).value = date(2025, 1, 1)  # before its start
        second = row_of(actions, scan["ids"][1], column=11)
        actions.cell(row=second, column=7).value = "veel"
    at = upload_and_check(scan, workbook(scan, hostile))
    [error] = [e.value for e in at.error]
    assert error.startswith("Het werkboek is niet teruggezet. Er is niets veranderd.")
    assert "Blad 'Antwoorden', rij 2, kolom G: 'Toelichting' is te lang: 40000 tekens. Het mogen er hoogstens " \
           "5000 zijn." in error
    assert "Blad 'Antwoorden', rij 3, kolom D: In deze cel staat een formule." in error
    assert "Blad 'Verbeterplan', rij 2, kolom A: In deze cel staat een formule." in error
    assert "De deadline (01\\-01\\-2025) ligt voor de startdatum (01\\-01\\-2026)." in error
    assert "'Verwachte winst': kies een getal van 0 tot en met 4" in error
    for raw in ("(too_long)", "due_before_start", "invalid_gain", "De actie heeft geen titel", "_"):
        assert raw not in error.replace("\\_", ""), raw
    assert dump(scan["db"]) == before


def test_many_problems_show_the_first_50_and_a_count(scan):
    def many(book):
        answers = book["Antwoorden"]
        for row in range(answers.max_row + 1, answers.max_row + 81):
            answers.cell(row=row, column=1).value = f"vraag-{row}"
    at = upload_and_check(scan, workbook(scan, many))
    [error] = [e.value for e in at.error]
    assert error.count("\n- ") == 50
    assert "En nog 30 problemen. Los eerst de problemen hierboven op en probeer het opnieuw." in error


@pytest.mark.parametrize("lang, message", [("nl", "Het bestand is te groot. Het mag hoogstens 10 MB zijn."),
                                           ("en", "The file is too large. It may be at most 10 MB.")])
def test_a_file_over_the_limit_is_refused_in_the_users_language(scan, lang, message):
    at = upload_and_check(scan, b"PK" + b"x" * (11 * 1024 * 1024), lang)
    assert message in [e.value for e in at.error][0]
    limit = "Het bestand mag hoogstens 10 MB groot zijn." if lang == "nl" else "The file may be at most 10 MB."
    assert limit in texts(at)


def test_the_preview_in_english(scan):
    at = upload_and_check(scan, workbook(scan, edit(scan, "en"), lang="en"), lang="en")
    assert "In the workbook: 1 answer different, 1 comment different, 1 action different." in texts(at)
    assert "Save the differences" in [b.label for b in at.button]


def test_other_spreadsheet_files_get_a_message_that_says_what_to_do(scan):
    import zipfile
    macro = BytesIO()
    with zipfile.ZipFile(BytesIO(workbook(scan))) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    at = upload_and_check(scan, macro.getvalue())
    assert "Dit werkboek bevat macro's (.xlsm). Die leest de app niet." in at.error[0].value
    at = upload_and_check(scan, b"organisatie;jaar\nGemeente;2026\n")
    assert "Sla het op als Excel-werkmap (.xlsx) en probeer het opnieuw." in at.error[0].value
    assert at.file_uploader(key="import_file_0").allowed_type == [".xlsx", ".xlsm", ".xls", ".ods", ".csv"]


def test_a_change_in_the_app_after_the_check_is_not_overwritten(scan):
    db, assessment = scan["db"], scan["assessment"]
    at = upload_and_check(scan, workbook(scan, edit(scan)))
    assert "1 conflict" not in texts(at)
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=2)  # meanwhile
    before = dump(db)
    button(at, "Verschillen opslaan").click().run()
    assert not at.exception
    assert "In de app is intussen iets veranderd. Er is nog niets opgeslagen." in texts(at)
    assert "1 conflict" in texts(at)  # the new comparison is shown
    assert dump(db) == before


def test_what_changed_only_in_the_app_is_listed_and_stays(scan):
    db, assessment = scan["db"], scan["assessment"]
    data = workbook(scan, edit(scan))
    plan.add_actions(db, actor=ME, assessment_id=assessment.id, questionnaire=scan["mini"],
                     actions=[dict(dimension_id="d1", title="Na het downloaden")])
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d2-1", value=1)
    at = upload_and_check(scan, data)
    assert "2 rijen zijn na het downloaden alleen in de app veranderd. Die blijven zoals ze in de app zijn." \
        in texts(at)
    item = "Vraag, onderdeel of actie"
    kept = next(f.value for f in at.dataframe
                if item in f.value.columns and "d2-1 · Vraag d2-1" in set(f.value[item]))
    rows = {tuple(r) for r in kept[["Wat", "Nu in de app", "In het werkboek"]].values}
    assert rows == {("Antwoord", "1 · Niveau 1", "3 · Niveau 3"),
                    ("(nieuw)", "Na het downloaden · Dimensie een · gepland", "–")}
    button(at, "Verschillen opslaan").click().run()
    actions = plan.list_actions(db, actor=ME, assessment_id=assessment.id)
    assert "Na het downloaden" in [a.title for a in actions]
    assert service.get_answers(db, actor=ME, assessment_id=assessment.id)["d2-1"].value == 1
