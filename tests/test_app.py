"""Page wiring with Streamlit's AppTest: a feedback manager creates, answers, refreshes and reads results."""

import pytest
from streamlit.testing.v1 import AppTest

from assessment import service
from storage.db import ENV_URL, get_database
from access import AccessDenied
from conftest import FIXTURES, ROOT, ME, migrated_sqlite
from questionnaires.loader import ENV_DIR, load_questionnaire
from ui.safe_text import escape_md

APP = str(ROOT / "app.py")


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'app.sqlite')}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.setenv(ENV_DIR, str(FIXTURES))
    return get_database(url)


def new_session(page: str | None = None, **query_params) -> AppTest:
    """A fresh browser tab on `page`: nothing in session state, only what the URL says."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                                  "warning", "error") for e in getattr(at, kind)]
    parts += [m.label + " " + str(m.value) for m in at.metric]
    return "\n".join(str(p) for p in parts)


def html_of(at: AppTest) -> str:
    """What the page shows through st.html (the projector draws its screen that way)."""
    return "\n".join(h.proto.body for h in at.get("html"))


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; have {[b.label for b in at.button]}"
    return matches[0]


def test_create_answer_refresh_resume_and_results(app_env):
    at = new_session()
    assert not at.exception
    assert at.title[0].value == "Klantbewust"
    # 1. create the organisation
    at.text_input(key="new_org_name").input("Gemeente Lerend Dorp")
    at.selectbox(key="new_org_type").select("gemeente")
    at.run()
    at.selectbox(key="new_org_size_gemeente").select("inw-20-50k")
    button(at, "Organisatie toevoegen").click().run()
    assert not at.exception
    assert "2. Scans van Gemeente Lerend Dorp" in texts(at)
    assert "Organisatie Gemeente Lerend Dorp is toegevoegd." in texts(at)
    organisation_id = at.query_params["org"]  # the organisation is in the URL
    assert service.get_organisation(app_env, int(organisation_id), actor=ME).size_class == "inw-20-50k"
    # 2. start an assessment; the app moves to the questionnaire with the id in the URL
    at.text_input(key="new_period").input("2026")
    button(at, "Scan starten").click().run()
    assert not at.exception
    assessment_id = at.query_params["a"]
    assert at.title[0].value == "Vragenlijst" and at.query_params["dim"] == "d1"
    # 3. answer: a level, n.v.t., a comment; each saved at once
    at.radio(key=f"level_{assessment_id}_d1-1").set_value(4).run()
    at.radio(key=f"level_{assessment_id}_d1-2").set_value(2).run()
    at.radio(key=f"level_{assessment_id}_d1-3").set_value("nvt").run()
    at.text_area(key=f"comment_{assessment_id}_d1-1").input("Klachtenregeling staat op de website").run()
    assert not at.exception
    stored = service.get_answers(app_env, actor=ME, assessment_id=assessment_id)
    assert stored["d1-1"].value == 4 and stored["d1-3"].value == "nvt"
    assert stored["d1-1"].comment == "Klachtenregeling staat op de website"
    # go to the next dimension and answer there too
    button(at, "Volgende").click().run()
    assert at.query_params["dim"] == "d2"
    at.radio(key=f"level_{assessment_id}_d2-1").set_value(5).run()

    # 4. "refresh": a brand-new session with only the URL resumes where the user was, with the answers
    again = new_session("views/questionnaire.py", a=assessment_id, dim="d2", lang="nl")
    assert not again.exception
    assert again.radio(key=f"level_{assessment_id}_d2-1").value == 5
    assert "Dimensie twee" in texts(again)
    button(again, "Vorige").click().run()
    assert again.radio(key=f"level_{assessment_id}_d1-1").value == 4
    assert again.radio(key=f"level_{assessment_id}_d1-3").value == "nvt"
    assert again.radio(key=f"level_{assessment_id}_d1-4").value is None
    assert again.text_area(key=f"comment_{assessment_id}_d1-1").value == "Klachtenregeling staat op de website"

    # 5. results: scores with coverage and an explanation
    results = new_session("views/results.py", a=assessment_id, lang="nl")
    assert not results.exception
    page = texts(results)
    # d1: (4*1 + 2*2) / 3 = 2.67; d2: 5; c1 = 3.83
    assert "gebaseerd op 3 van 5 vragen" in page  # c1: d1 2 of 3, d2 1 of 2
    assert any(m.label == "Competentie een" and m.value == "3,8" for m in results.metric)
    assert "De score 2,7 is het gewogen gemiddelde van 2 gekozen niveaus (totaal gewicht 3,0)." in page
    assert "Geen score. Maar 0 van de 3 vragen hebben een niveau" in page


def test_targets_and_finalising_lock_the_assessment(app_env):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Provincie Test", org_type="provincie", size_class="fte-lt-250")
    assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    for qid in ("d1-1", "d1-2", "d1-3", "d1-4"):
        service.save_answer(app_env, actor=ME, assessment_id=assessment.id, question_id=qid, value=3)
    at = new_session("views/results.py", a=assessment.id, lang="nl")
    at.selectbox(key="target_d1").select(5).run()
    assert not at.exception
    assert service.get_targets(app_env, actor=ME, assessment_id=assessment.id) == {"d1": 5}
    assert "Ambitie 5: door u ingesteld." in texts(at)
    assert [b.label for b in at.get("download_button")] == ["Excel-werkboek downloaden"]
    # the workbook is built when it is asked for, not on every visit: the button carries no file, only the
    # id of one made on the click (tests/test_browser.py downloads it)
    download = at.get("download_button")[0].proto
    assert download.deferred_file_id and not download.url
    button(at, "Scan definitief maken").click().run()
    button(at, "Ja, maak definitief").click().run()
    assert not at.exception
    assert service.get_assessment(app_env, assessment.id, actor=ME).is_final
    assert "Deze scan is definitief sinds" in texts(at)
    assert at.selectbox(key="target_d1").disabled
    questionnaire_page = new_session("views/questionnaire.py", a=assessment.id, lang="nl")
    assert questionnaire_page.radio(key=f"level_{assessment.id}_d1-1").disabled
    assert "Deze scan is definitief" in texts(questionnaire_page)


def test_language_switch_changes_the_labels(app_env):
    service.create_organisation(app_env, actor=ME, name="Gemeente Taal", org_type="gemeente", size_class="inw-lt-20k")
    service.create_organisation(app_env, actor=ME, name="Provincie Taal", org_type="provincie", size_class="fte-lt-250")
    at = new_session()
    assert at.title[0].value == "Klantbewust"
    assert at.selectbox(key="organisation_choice").label == "Kies uw organisatie"
    at.segmented_control(key="language_switch").set_value("English").run()
    assert at.query_params["lang"] == "en"
    assert at.selectbox(key="organisation_choice").label == "Choose your organisation"
    assert "How well does your organisation listen" in texts(at)
    # a refresh keeps the language, because it is in the URL
    english = new_session(lang="en")
    assert english.selectbox(key="organisation_choice").label == "Choose your organisation"
    assert english.text_input(key="new_org_name").label == "Name of the organisation"


def test_unknown_assessment_in_the_url_gets_a_clear_message(app_env):
    at = new_session("views/questionnaire.py", a="0" * 32, lang="nl")
    assert not at.exception
    assert "Deze scan bestaat niet (meer), of u heeft er geen toegang toe." in texts(at)


def test_user_text_is_never_rendered_as_markup(app_env):
    name = "<img src=x onerror=alert(1)> **vet** [link](http://x)"
    service.create_organisation(app_env, actor=ME, name=name, org_type="anders", size_class="fte-lt-250")
    at = new_session()
    headers = [h.value for h in at.header]
    assert "2. Scans van " + escape_md(name) in headers
    assert all(name not in h for h in headers)  # never the raw text


def test_escape_md_escapes_every_markup_character():
    escaped = escape_md("a*b_c`d[e](f)<g>#h|i:j$k~l!m")
    assert escaped == r"a\*b\_c\`d\[e\]\(f\)\<g\>\#h\|i\:j\$k\~l\!m"


def test_broken_questionnaire_file_is_reported_and_the_others_stay_usable(app_env, tmp_path, monkeypatch):
    import shutil
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    shutil.copy(FIXTURES / "mini.yaml", folder / "mini.yaml")
    (folder / "kapot.yaml").write_text((FIXTURES / "mini.yaml").read_text(encoding="utf-8")
                                       .replace("id: mini", "id: kapot").replace("weight: 2", "weight: -1"),
                                       encoding="utf-8")
    monkeypatch.setenv(ENV_DIR, str(folder))
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Kapot", org_type="gemeente", size_class="inw-lt-20k")
    at = new_session()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("Vragenlijst kapot.yaml is niet geladen (bij competencies[0].dimensions[0].questions[1].weight): "
               "het getal moet groter zijn dan 0." in w for w in warnings), warnings
    at.selectbox(key="organisation_choice").select(org.id).run()
    assert at.selectbox(key="new_questionnaire").options == ["Mini-vragenlijst (versie 0.1)"]


def test_who_answered_comes_from_the_identity(app_env):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="CAK", org_type="uitvoeringsorganisatie", size_class="fte-lt-250")
    assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    at = new_session("views/questionnaire.py", a=assessment.id)
    assert not [t for t in at.text_input if t.key == "person"]  # no free name field: who comes from the identity
    at.radio(key=f"level_{assessment.id}_d1-1").set_value(3).run()
    assert service.get_answers(app_env, actor=ME, assessment_id=assessment.id)["d1-1"].answered_by == "local"
    assert "door de lokale gebruiker" in texts(at)


def test_the_shipped_questionnaire_in_the_app(tmp_path, monkeypatch):
    """The real questionnaire: choose it, answer a whole dimension, and see scores and a radar."""
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'real.sqlite')}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.delenv(ENV_DIR, raising=False)
    db = get_database(url)
    org = service.create_organisation(db, actor=ME, name="Waterschap Echt", org_type="waterschap", size_class="fte-250-1000")
    at = new_session()
    at.selectbox(key="organisation_choice").select(org.id).run()
    # the newest version first: a new scan starts on it
    assert at.selectbox(key="new_questionnaire").options == ["Klantbewustzijn zelfscan (versie 1.1)",
                                                            "Klantbewustzijn zelfscan (versie 1.0)"]
    button(at, "Scan starten").click().run()
    assessment_id = at.query_params["a"]
    assert "Laagdrempelig en zichtbaar" in texts(at)
    assert "Kies het hoogste niveau waarvan de beschrijving" in texts(at)  # how to choose, with the levels
    for question, level in (("ont-toegang-1", 4), ("ont-toegang-4", 3), ("ont-toegang-5", "weetniet")):
        at.radio(key=f"level_{assessment_id}_{question}").set_value(level).run()
    assert not at.exception
    results = new_session("views/results.py", a=assessment_id, lang="en")
    assert not results.exception
    # (4 * 1.5 + 3 * 1) / 2.5 = 3.6 on 2 of 4 questions
    assert "The score 3.6 is the weighted mean of 2 chosen levels (total weight 2.5)." in texts(results)
    # the radar of the sections, and the scan seen through the Gouden Oor areas with a radar of its own
    assert len(results.get("plotly_chart")) == 2
    assert "The scan per area: Gouden Oor Standard (2022 edition), organisation areas" in texts(results)


def three_years(db):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Drie Jaar", org_type="gemeente", size_class="inw-lt-20k")
    ids = {}
    for period, levels in (("2024", {"d1": 2, "d2": 2, "d3": 2}), ("2025", {"d1": 3, "d2": 3, "d3": 2}),
                           ("2026", {"d1": 4, "d2": 4, "d3": 4})):
        assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period=period, questionnaire=mini)
        for question in mini.questions():
            service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id,
                                value=levels[question.id.split("-")[0]])
        if period != "2026":
            service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
        ids[period] = assessment.id
    return org, ids


def test_history_page_with_three_years(app_env):
    org, ids = three_years(app_env)
    at = new_session("views/history.py", a=ids["2026"], lang="nl")
    assert not at.exception
    page = texts(at)
    # default comparison: the latest final assessment (2025) with the one before it (2024)
    assert "In het kort: 2024 en 2025" in page
    assert "Sinds 2024 is de totaalscore gestegen van 2,0 naar 2,5." in page
    assert "Competentie een is het meest gestegen: van 2,0 naar 3,0." in page
    assert "Dimensie drie bleef gelijk: 2,0." in page  # never "bleef achter: van 2,0 naar 2,0"
    assert "2 van 3 ambities gehaald." in page
    assert "**Vergelijkbaarheid: 100%** van de vragen kan worden vergeleken." in page
    history_table = at.table[0].value
    assert list(history_table["Periode"]) == ["2026", "2025", "2024"]
    assert list(history_table["Totaalscore"]) == ["4,0", "2,5", "2,0"]
    assert len(at.get("plotly_chart")) == 1
    assert "De scan van 2024 had geen verbeterplan." in page
    # compare 2024 with the draft of 2026 instead
    at.selectbox(key="compare_later").select(ids["2026"]).run()
    changes = at.dataframe[0].value
    assert list(changes["Verandering"])[:2] == ["▲ +2,0", "▲ +2,0"]  # both competencies: 2 -> 4
    assert "3 van 3 ambities gehaald" in texts(at)
    # the plan of the earlier assessment: which actions were completed
    from plan import service as plan
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    plan.add_actions(app_env, actor=ME, assessment_id=ids["2024"], questionnaire=mini, actions=[
        dict(dimension_id="d1", title="Klaar", status="done"), dict(dimension_id="d2", title="Loopt nog")])
    at.run()
    assert "1 van 2 acties uit het verbeterplan van 2024 zijn afgerond" in texts(at)
    assert "- ✓ Klaar (afgerond, Dimensie een)" in texts(at)


def test_start_a_new_assessment_from_the_previous_one(app_env):
    org, ids = three_years(app_env)
    at = new_session()
    at.selectbox(key="organisation_choice").select(org.id).run()
    source = at.radio(key="copy_source")
    assert source.label == "Waarmee begint de nieuwe scan?"
    assert source.value == ids["2025"]  # by default the latest final scan, not the newer draft of 2026
    assert source.options == ["Een lege scan", "De antwoorden van 2026 (concept, 9 antwoorden)",
                              "De antwoorden van 2025 (definitief, 9 antwoorden)",
                              "De antwoorden van 2024 (definitief, 9 antwoorden)"]
    assert at.text_input(key="new_period").value == "2027"  # the first year without a scan
    source.set_value(ids["2026"]).run()
    button(at, "Scan starten").click().run()
    assert not at.exception
    new_id = at.query_params["a"]
    assert new_id not in ids.values()
    assert at.radio(key=f"level_{new_id}_d1-1").value == 4
    assert "Overgenomen van 2026. Controleer of dit nog klopt." in texts(at)
    assert "9 antwoorden zijn overgenomen van 2026 en nog niet gecontroleerd." in texts(at)
    button(at, "Klopt nog").click().run()
    assert "8 antwoorden zijn overgenomen van 2026" in texts(at)
    assert service.get_answers(app_env, actor=ME, assessment_id=new_id)["d1-1"].carried_from is None
    assert service.get_answers(app_env, actor=ME, assessment_id=new_id)["d1-2"].carried_from == "2026"
    # the assessments it came from are untouched
    assert service.get_assessment(app_env, ids["2025"], actor=ME).is_final


def test_plan_page_suggests_actions_and_adds_the_chosen_ones(app_env):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Plan", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    for qid in ("d1-1", "d1-2", "d1-3", "d1-4"):
        service.save_answer(app_env, actor=ME, assessment_id=assessment.id, question_id=qid, value=1)
    service.set_target(app_env, actor=ME, assessment_id=assessment.id, dimension_id="d1", level=3)
    at = new_session("views/plan.py", a=assessment.id, lang="nl")
    assert not at.exception
    # d1: stage 1, target 3 -> the library actions of steps 1->2 and 2->3
    labels = [c.label for c in at.checkbox]
    assert labels == ["**Dimensie een** · stap 1 → 2 · Actie", "**Dimensie een** · stap 2 → 3 · Actie"]
    at.checkbox(key="suggest_d1-a12").check().run()
    button(at, "Gekozen acties toevoegen aan het plan").click().run()
    assert not at.exception
    from plan import service as plan
    actions = plan.list_actions(app_env, actor=ME, assessment_id=assessment.id)
    assert [(a.dimension_id, a.library_action_id, a.status) for a in actions] == [("d1", "d1-a12", "planned")]
    # the added action is no longer suggested, and it is in the table
    assert [c.key for c in at.checkbox] == ["suggest_d1-a23"]
    assert list(at.data_editor(key="plan_editor").value["Actie"]) == ["Actie"]
    # and the page says so, once
    assert [s.value for s in at.success] == ["1 actie toegevoegd aan het plan. U ziet hem in de tabel hieronder."]
    at.run()
    assert not at.success


def test_benchmark_page_with_the_demo_set(tmp_path, monkeypatch):
    from peers import service as peers
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'bench.sqlite')}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.delenv(ENV_DIR, raising=False)
    db = get_database(url)
    zelfscan = load_questionnaire(ROOT / "questionnaires" / "definitions" / "klantbewustzijn-zelfscan-1.0.yaml")
    org = service.create_organisation(db, actor=ME, name="Gemeente Benchmark", org_type="gemeente", size_class="inw-20-50k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=zelfscan)
    for question in zelfscan.questions():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=3)
    at = new_session("views/benchmark.py", a=assessment.id, lang="nl")
    assert not at.exception
    assert "Vergeleken met 0 organisatie-jaren van 0 organisaties" in texts(at)
    assert "Deze groep is te klein: 0 organisaties, er zijn er minstens 5 nodig." in texts(at)
    button(at, "Fictieve demo-gegevens laden").click().run()
    assert not at.exception
    assert [s.is_demo for s in peers.list_peer_sets(db, actor=ME, organisation_id=org.id)] == [True]
    # the own size class in 2026 alone is too small: the page widens the group by itself, and says how
    group, widened = peers.default_group(db, actor=ME, organisation_id=org.id, questionnaire=zelfscan,
                                         org_type="gemeente", size_class="inw-20-50k", year=2026)
    assert widened and not peers.compare_with_peers(db, actor=ME, organisation_id=org.id, questionnaire=zelfscan,
                                                    own_scores={}, group=group).figures["overall"].suppressed
    assert at.multiselect(key="bench_sizes_gemeente").value == list(group.size_classes)
    assert at.number_input(key="bench_years").value == len(group.years)
    page = texts(at)
    assert "De groep is groter gemaakt (" in page
    assert "fictieve demo-gegevens" in page
    table = at.table[0].value
    assert table.index[0] == "Totaalscore" and table.iloc[0]["Uw score"] == "3,0"
    assert table.iloc[0]["Uw positie"].startswith("U scoort hoger dan ")
    assert table.iloc[0]["Uw positie"].endswith("van de vergelijkbare gemeenten op Totaalscore")
    assert len(at.get("plotly_chart")) == 1
    # opt-in is off by default and can be turned on
    assert at.toggle(key="share_anonymously").value is False
    at.toggle(key="share_anonymously").set_value(True).run()
    assert peers.is_sharing(db, actor=ME, organisation_id=org.id)


def test_workshop_facilitator_participant_and_projector_pages(app_env):
    from workshops import service as workshop
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Samen", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    # the facilitator starts a workshop on all questions
    facilitator = new_session("views/workshop.py", a=assessment.id, lang="nl")
    facilitator.radio(key="workshop_scope").set_value("competency").run()
    facilitator.selectbox(key="workshop_competency").select("c1").run()
    button(facilitator, "Workshop starten").click().run()
    assert not facilitator.exception
    workshop_id, token = facilitator.query_params["w"], facilitator.query_params["ft"]
    started = workshop.get_workshop(app_env, actor=ME, workshop_id=workshop_id, token=token)
    assert started.question_ids == ("d1-1", "d1-2", "d1-3", "d1-4", "d2-1", "d2-2")  # competency c1 only
    code = started.join_code
    assert f"## Code om mee te doen: :blue[{code}]" in texts(facilitator)
    assert any("QR-code om mee te doen" in h.proto.body and code in h.proto.body for h in facilitator.get("html"))
    button(facilitator, "Stemmen openen").click().run()
    # a link with a wrong facilitator token, or with another assessment, shows a message and nothing else
    for params in (dict(a=assessment.id, w=workshop_id, ft="geraden"),
                   dict(a="een-andere-scan", w=workshop_id, ft=token)):
        stranger = new_session("views/workshop.py", lang="nl", **params)
        assert not stranger.exception and stranger.error
        # no html but the page's own language script (ui/page_meta.py): no QR code, no join code
        assert code not in texts(stranger) and all("document.documentElement.lang" in h.proto.body or
                                                   "kb-page-meta" in h.proto.body for h in stranger.get("html"))
        assert not [b for b in stranger.button if b.label in ("Stemmen sluiten", "Uitkomst tonen")]
    # a participant joins on the vote page with the code and a role, and votes
    phone = new_session("views/vote.py", code=code, lang="nl")
    assert phone.radio(key="join_role").value is None  # no role chosen for anyone
    button(phone, "Meedoen").click().run()
    assert "Kies een rol uit de lijst." in [e.value for e in phone.error]
    phone.radio(key="join_role").set_value("backoffice")
    button(phone, "Meedoen").click().run()
    assert not phone.exception and "seat" in phone.query_params
    phone.radio(key="vote_d1-1_1").set_value("4").run()
    assert "Uw stem is bewaard." in texts(phone) and "Stem ontvangen: 4" in "".join(h.proto.body for h in phone.get("html"))
    # the projector shows who voted, but not the outcome before the reveal
    screen = new_session("views/projector.py", screen=started.projector_token, lang="nl")
    assert "1 van 1 aanwezigen gestemd" in html_of(screen) and "Stem nu op uw telefoon." in html_of(screen)
    assert "Mediaan" not in html_of(screen)
    assert not [b for b in screen.button if b.label == "Uitkomst tonen"]  # no controls without the token
    facilitator.run()
    button(facilitator, "Stemmen sluiten").click().run()
    screen.run()
    assert "De uitkomst is nog verborgen." in html_of(screen) and "Mediaan" not in html_of(screen)
    # the facilitator's own screen link has the controls: reveal from the screen itself
    own_screen = new_session("views/projector.py", screen=started.projector_token, ft=token, lang="nl")
    button(own_screen, "Uitkomst tonen").click().run()
    screen.run()
    assert "Mediaan: 4,0" in html_of(screen) and "Grote overeenstemming" in html_of(screen)
    # the facilitator page, still drawn as before the reveal (a stale tab): its re-open is refused, votes stay
    assert not button(facilitator, "Stemmen openen").disabled
    button(facilitator, "Stemmen openen").click().run()
    assert any("Opnieuw stemmen kan alleen in een tweede ronde." in e.value for e in facilitator.error)
    states = workshop.question_states(app_env, actor=ME, workshop_id=workshop_id, token=token)
    assert states["d1-1"].phase == "revealed"
    assert workshop.results(app_env, actor=ME, workshop_id=workshop_id, token=token, question_id="d1-1").summary.voted == 1
    assert button(facilitator, "Stemmen openen").disabled  # now drawn as it is
    # the participant page never shows facilitator controls, and a refresh keeps the seat and the vote
    again = new_session("views/vote.py", seat=phone.query_params["seat"], lang="nl")
    assert again.radio(key="vote_d1-1_1").value == "4"
    assert not [b for b in again.button if b.label in ("Stemmen openen", "Uitkomst tonen")]
    # the agreed level is recorded as the assessment's answer
    facilitator.run()
    assert facilitator.selectbox(key="page_agreed_d1-1").value is None  # no default level
    facilitator.selectbox(key="page_agreed_d1-1").select("4")
    facilitator.text_input(key="page_rationale_d1-1").input("Iedereen ziet 4")
    button(facilitator, "Vastleggen als antwoord").click().run()
    answer = service.get_answers(app_env, actor=ME, assessment_id=assessment.id)["d1-1"]
    assert (answer.value, answer.comment) == (4, "Iedereen ziet 4")
    assert token  # the facilitator link carries the token


def test_about_page_says_what_the_scan_is_based_on_and_that_it_certifies_nothing(app_env, monkeypatch):
    monkeypatch.delenv(ENV_DIR, raising=False)
    at = new_session("views/about.py", lang="nl")
    assert not at.exception
    page = texts(at)
    assert "Gouden Oor Standaard (editie 2022)" in page and "geen certificering" in page
    assert "1 · Incidenteel" in page and "vanaf 5 verschillende organisaties" in page
    english = new_session("views/about.py", lang="en")
    assert "gives no certification" in texts(english)


def test_start_page_renames_the_organisation_and_deletes_a_draft_after_confirmation(app_env):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Oud", org_type="gemeente", size_class="inw-lt-20k")
    final = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2025", questionnaire=mini)
    service.save_answer(app_env, actor=ME, assessment_id=final.id, question_id="d1-1", value=3)
    service.finalise_assessment(app_env, actor=ME, assessment_id=final.id)
    draft = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026-Q3", questionnaire=mini)
    at = new_session(org=str(org.id), lang="nl")
    assert not at.exception
    # the final scan opens its results; only the draft can be deleted
    assert [b.label for b in at.button if b.key and b.key.startswith("open_")] == ["Verder invullen",
                                                                               "Resultaten bekijken"]
    assert [b.key for b in at.button if b.key and b.key.startswith("delete_")] == [f"delete_{draft.id}"]
    at.button(key=f"delete_{draft.id}").click().run()
    assert "Scan 2026-Q3 verwijderen? De 0 antwoorden" in texts(at)
    at.button(key=f"delete_no_{draft.id}").click().run()
    assert service.get_assessment(app_env, draft.id, actor=ME) is not None  # "no" keeps it
    at.button(key=f"delete_{draft.id}").click().run()
    at.button(key=f"delete_yes_{draft.id}").click().run()
    assert not at.exception
    assert "De scan is verwijderd." in texts(at)
    with pytest.raises(AccessDenied):
        service.get_assessment(app_env, draft.id, actor=ME)
    # rename
    at.text_input(key=f"edit_org_{org.id}_name").input("Gemeente Nieuw").run()
    button(at, "Wijzigingen bewaren").click().run()
    assert service.get_organisation(app_env, org.id, actor=ME).name == "Gemeente Nieuw"
    assert "2. Scans van Gemeente Nieuw" in texts(at)
    # an empty period says what is missing
    at.text_input(key="new_period").input("").run()
    button(at, "Scan starten").click().run()
    assert "Vul 'Jaar of periode' in." in [e.value for e in at.error]


def test_a_final_scan_opens_its_results(app_env):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Klaar", org_type="gemeente", size_class="inw-lt-20k")
    final = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2025", questionnaire=mini)
    service.save_answer(app_env, actor=ME, assessment_id=final.id, question_id="d1-1", value=3)
    service.finalise_assessment(app_env, actor=ME, assessment_id=final.id)
    at = new_session(org=str(org.id), lang="nl")
    at.button(key=f"open_{final.id}").click().run()
    assert not at.exception and at.title[0].value == "Resultaten"


def shipped(tmp_path, monkeypatch):
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'shipped.sqlite')}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.delenv(ENV_DIR, raising=False)
    return get_database(url), load_questionnaire(ROOT / "questionnaires" / "definitions"
                                                 / "klantbewustzijn-zelfscan-1.0.yaml")


def test_results_captions_count_only_the_answers_in_each_score(tmp_path, monkeypatch):
    db, zelfscan = shipped(tmp_path, monkeypatch)
    org = service.create_organisation(db, actor=ME, name="Gemeente Dekking", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=zelfscan)
    answers = {q.id: 5 for q in zelfscan.questions()}
    answers.update({"ont-toegang-1": 1, "ont-toegang-2": "weetniet", "ont-toegang-3": "weetniet"})
    answers.update({q.id: "nvt" for q in zelfscan.questions() if q.id.startswith("le-")})
    for question_id, value in answers.items():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question_id, value=value)
    at = new_session("views/results.py", a=assessment.id, lang="nl")
    assert not at.exception
    captions = [c.value for c in at.caption]
    # Ontvankelijk 5,0: the 1 of 'Laagdrempelig en zichtbaar' (no score there) is not in it
    assert any(m.label == "Ontvankelijk" and m.value == "5,0" for m in at.metric)
    assert "gebaseerd op 9 van 12 vragen, uit 3 van de 4 onderdelen" in captions
    assert "gebaseerd op 21 van 24 vragen, uit 2 van de 3 vaardigheden" in captions  # Lerend: all n.v.t.
    assert "geen score: geen van de 4 onderdelen heeft een score" in captions
    table = at.table[0].value
    assert list(table["Dekking"])[0] == "geen score: 1 van 3 vragen hebben een niveau, dat is te weinig"
    english = new_session("views/results.py", a=assessment.id, lang="en")
    captions = [c.value for c in english.caption]
    assert "based on 9 of 12 questions, from 3 of the 4 sections" in captions
    assert "based on 21 of 24 questions, from 2 of the 3 competencies" in captions


def test_gating_and_the_coverage_threshold_are_explained_as_the_questionnaire_sets_them(app_env, tmp_path,
                                                                                       monkeypatch):
    folder = tmp_path / "strict"
    folder.mkdir()
    (folder / "mini.yaml").write_text((FIXTURES / "mini.yaml").read_text(encoding="utf-8")
                                      .replace("stage_rule: average", "stage_rule: gating")
                                      .replace("min_coverage: 0.5", "min_coverage: 0.75"), encoding="utf-8")
    monkeypatch.setenv(ENV_DIR, str(folder))
    strict = load_questionnaire(folder / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Streng", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026", questionnaire=strict)
    for question_id, value in {"d1-1": 4, "d1-2": 3, "d1-3": 2, "d1-4": "weetniet", "d2-1": 5, "d2-2": 4}.items():
        service.save_answer(app_env, actor=ME, assessment_id=assessment.id, question_id=question_id, value=value)
    at = new_session("views/results.py", a=assessment.id, lang="nl")
    assert not at.exception
    page = texts(at)
    # d1: levels 4, 3, 2 and weet niet -> coverage 3/4 = 75%, stage 2 (the lowest chosen level)
    assert "Fase 2: het hoogste niveau dat elke vraag met een gekozen niveau haalt." in page
    assert "minstens 75% van de vragen" in page
    about = new_session("views/about.py", lang="nl")
    page = texts(about)
    assert "Een onderdeel krijgt een score als minstens 75% van de vragen die van toepassing zijn" in page
    assert "minder dan 75% van de vragen" in page and "minder dan de helft" not in page
    assert "Fase: het hoogste niveau dat elke vraag met een gekozen niveau haalt" in page
    english = texts(new_session("views/about.py", lang="en"))
    assert "fewer than 75% of a section's applicable questions" in english and "fewer than half" not in english


def test_benchmark_position_names_ties_and_the_method_page_says_how(app_env):
    from peers import service as peers
    mini = load_questionnaire(FIXTURES / "mini.yaml")

    def final(name, share):
        org = service.create_organisation(app_env, actor=ME, name=name, org_type="gemeente", size_class="inw-lt-20k")
        assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
        for question in mini.questions():
            service.save_answer(app_env, actor=ME, assessment_id=assessment.id, question_id=question.id, value=3)
        if share:
            service.finalise_assessment(app_env, actor=ME, assessment_id=assessment.id)
            peers.set_sharing(app_env, actor=ME, organisation_id=org.id, share=True)
        return assessment

    own = final("Gemeente Gelijk", share=False)
    for number in range(10):
        final(f"Gemeente {number}", share=True)  # all ten score 3,0, like the organisation itself
    at = new_session("views/benchmark.py", a=own.id, lang="nl")
    assert not at.exception
    positions = list(at.table[0].value["Uw positie"])
    assert positions[0] == "U scoort hoger dan 0% en even hoog als 100% van de vergelijkbare gemeenten op Totaalscore"
    english = new_session("views/benchmark.py", a=own.id, lang="en")
    assert list(english.table[0].value["Your position"])[0] == (
        "You score higher than 0% and the same as 100% of the similar municipalities on Overall score")
    assert not any("Let op" in p for p in positions)  # a complete scan: no caveat
    # an own scan of one part only, ranked against complete peer scans, says so beside its position
    partial = service.create_assessment(app_env, actor=ME, organisation_id=own.organisation_id, period="2027",
                                        questionnaire=mini)
    for question in mini.dimension("d1").questions:
        service.save_answer(app_env, actor=ME, assessment_id=partial.id, question_id=question.id, value=3)
    rows = new_session("views/benchmark.py", a=partial.id, lang="nl").table[0].value
    overall, competency = list(rows["Uw positie"])[:2]
    assert overall.endswith(". Let op: uw totaalscore komt uit 1 van de 2 vaardigheden. Die van de anderen uit alle "
                            "vaardigheden. Vergelijk dus voorzichtig.")
    assert "Let op: uw score komt uit 1 van de 2 onderdelen." in competency
    about = texts(new_session("views/about.py", lang="nl"))
    assert "Een gelijke score telt dus niet als lager." in about
    assert "lineaire interpolatie" in about and "PERCENTIEL.INC" in about
    assert "So an equal score does not count as lower." in texts(new_session("views/about.py", lang="en"))


def test_benchmark_page_counts_organisations_for_the_minimum_group(app_env):
    from peers import service as peers
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    own_org = service.create_organisation(app_env, actor=ME, name="Gemeente Eigen", org_type="gemeente", size_class="inw-lt-20k")
    own = service.create_assessment(app_env, actor=ME, organisation_id=own_org.id, period="2026", questionnaire=mini)
    service.save_answer(app_env, actor=ME, assessment_id=own.id, question_id="d1-1", value=3)
    for name in ("Gemeente A", "Gemeente B"):
        org = service.create_organisation(app_env, actor=ME, name=name, org_type="gemeente", size_class="inw-lt-20k")
        for period in ("2024", "2025", "2026"):
            assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period=period,
                                                   questionnaire=mini)
            for question in mini.questions():
                service.save_answer(app_env, actor=ME, assessment_id=assessment.id, question_id=question.id, value=3)
            service.finalise_assessment(app_env, actor=ME, assessment_id=assessment.id)
        peers.set_sharing(app_env, actor=ME, organisation_id=org.id, share=True)
    at = new_session("views/benchmark.py", a=own.id, lang="nl")
    at.number_input(key="bench_years").set_value(3).run()
    assert not at.exception
    page = texts(at)
    assert "Vergeleken met 6 organisatie-jaren van 2 organisaties" in page
    assert "Deze groep is te klein: 2 organisaties, er zijn er minstens 5 nodig." in page
    assert "Meer jaren van dezelfde organisatie tellen als één." in page
    assert not at.table and not at.get("plotly_chart")  # no figure at all


def test_a_benchmark_file_is_imported_from_the_page_once(app_env):
    from peers import service as peers
    from test_benchmark_file import GOOD, HEADER, csv_bytes
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Eigen", org_type="gemeente",
                                      size_class="inw-20-50k")
    own = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2025", questionnaire=mini)
    at = new_session("views/benchmark.py", a=own.id, lang="nl")
    at.file_uploader(key="peer_file_0").set_value(("vergelijking.csv", csv_bytes(HEADER, *GOOD), "text/csv")).run()
    button(at, "Inlezen").click().run()
    assert not at.exception and "Ingelezen: 6 organisatie-jaren." in texts(at)
    assert [(s.name, s.records) for s in peers.list_peer_sets(app_env, actor=ME, organisation_id=org.id)] == [
        ("vergelijking.csv", 6)]
    # the stored file is no longer on offer (a second click would store it again, as a second set): the next
    # file goes into a new, empty uploader
    assert [u.key for u in at.get("file_uploader")] == ["peer_file_1"] and at.get("file_uploader")[0].value is None
    assert "Inlezen" not in [b.label for b in at.button]
    # chosen again on purpose: refused, naming the row and the set it is already in; nothing stored twice
    at.file_uploader(key="peer_file_1").set_value(("vergelijking.csv", csv_bytes(HEADER, *GOOD), "text/csv")).run()
    button(at, "Inlezen").click().run()
    assert not at.exception
    error = at.error[0].value
    assert error.startswith("Het bestand is niet ingelezen. Er is niets veranderd.")
    assert "Rij 2, kolom 'organisatie': Gemeente 0 staat voor 2025 al in 'vergelijking.csv'. Dubbel zou het " \
           "twee keer meetellen." in error.replace("\\", "")
    assert len(peers.list_peer_sets(app_env, actor=ME, organisation_id=org.id)) == 1


def test_a_mapping_typo_is_reported_on_the_start_page_and_the_earlier_version_stays_usable(app_env, tmp_path,
                                                                                          monkeypatch):
    import yaml
    folder = tmp_path / "versions"
    folder.mkdir()
    (folder / "zelfscan-1.0.yaml").write_text(
        (ROOT / "questionnaires" / "definitions" / "klantbewustzijn-zelfscan-1.0.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    data = yaml.safe_load((FIXTURES / "versions" / "klantbewustzijn-zelfscan-1.1.yaml").read_text(encoding="utf-8"))
    data["mappings"][0]["changes"][0]["old"] = ["ont-toegang-9"]
    (folder / "zelfscan-1.1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv(ENV_DIR, str(folder))
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Versie", org_type="gemeente", size_class="inw-lt-20k")
    at = new_session()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert ("Vragenlijst zelfscan-1.1.yaml is niet geladen (bij mappings[0].changes[0].old[0]): 'ont-toegang-9' "
            "is geen vraag van versie 1.0 van deze vragenlijst. Controleer de id.") in warnings, warnings
    at.selectbox(key="organisation_choice").select(org.id).run()
    assert at.selectbox(key="new_questionnaire").options == ["Klantbewustzijn zelfscan (versie 1.0)"]


def test_members_page_adds_changes_and_removes_members_and_shows_who_did_what(app_env):
    import access
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Leden", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026",
                                           questionnaire=mini)
    at = new_session("views/members.py", org=str(org.id), lang="nl")
    assert not at.exception
    assert "Deze organisatie heeft nog geen leden." in texts(at)
    at.text_input(key="new_member_email").input("Eva@Gemeente-Leden.nl")
    at.selectbox(key="new_member_role").select("beheerder")
    button(at, "Toevoegen").click().run()
    assert escape_md("eva@gemeente-leden.nl") + " is toegevoegd als Beheerder." in texts(at)
    at.text_input(key="new_member_email").input("geen adres").run()
    button(at, "Toevoegen").click().run()
    assert any("'geen adres' is geen geldig e-mailadres" in e.value for e in at.error)
    at.text_input(key="new_member_email").input("tom@gemeente-leden.nl")
    at.selectbox(key="new_member_role").select("lezer")
    button(at, "Toevoegen").click().run()
    members = {m.email: m.role for m in access.list_members(app_env, actor=ME, organisation_id=org.id)}
    assert members == {"eva@gemeente-leden.nl": "beheerder", "tom@gemeente-leden.nl": "lezer"}
    # the only beheerder cannot be made lezer by a beheerder... but the local user may (it is the administrator)
    at.selectbox(key=f"member_role_{org.id}_1").select("invuller").run()
    assert access.list_members(app_env, actor=ME, organisation_id=org.id)[1].role == "invuller"
    at.button(key="remove_1").click().run()
    assert escape_md("tom@gemeente-leden.nl") + " verwijderen uit deze organisatie?" in texts(at)
    at.button(key="remove_yes_1").click().run()
    assert [m.email for m in access.list_members(app_env, actor=ME, organisation_id=org.id)] == [
        "eva@gemeente-leden.nl"]
    # who did what, per scan
    service.save_answer(app_env, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)
    at.run()
    at.selectbox(key=f"activity_assessment_{org.id}").set_value(assessment.id).run()
    log = at.dataframe[0].value
    assert list(log["Wie"])[0] == "de lokale gebruiker"
    assert list(log["Wat"]) == ["Antwoord op vraag d1-1 gewijzigd in de app", "Scan 2026 gestart"]


def test_with_sign_in_set_up_nobody_signed_in_sees_only_the_sign_in_page(app_env):
    service.create_organisation(app_env, actor=ME, name="Gemeente Geheim", org_type="gemeente",
                                size_class="inw-lt-20k")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "klantbewust", "client_secret": "geheim",
                          "server_metadata_url": "https://sso.example.nl/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Inloggen"]
    assert "Gemeente Geheim" not in texts(at)
    assert "Doet u mee aan een workshop?" in texts(at)


def test_two_tabs_saving_the_same_comment_ask_which_version_to_keep(app_env):
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Twee Tabs", org_type="gemeente",
                                      size_class="inw-lt-20k")
    assessment = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026",
                                           questionnaire=mini)
    first = new_session("views/questionnaire.py", a=assessment.id, dim="d1", lang="nl")
    second = new_session("views/questionnaire.py", a=assessment.id, dim="d1", lang="nl")
    key = f"comment_{assessment.id}_d1-1"
    first.text_area(key=key).input("Uit het jaarverslag").run()
    second.text_area(key=key).input("Uit de klantpanels").run()  # the second tab still showed an empty comment
    assert not second.exception
    assert service.get_answers(app_env, actor=ME, assessment_id=assessment.id)["d1-1"].comment == \
        "Uit het jaarverslag"  # nothing overwritten
    page = texts(second)
    assert "de toelichting gewijzigd. Uw tekst is nog niet bewaard." in page
    assert "> Uit het jaarverslag" in page and "> Uit de klantpanels" in page
    assert second.text_area(key=key).value == "Uit de klantpanels"  # what was typed stays on screen
    button(second, "Mijn versie bewaren").click().run()
    assert service.get_answers(app_env, actor=ME, assessment_id=assessment.id)["d1-1"].comment == \
        "Uit de klantpanels"
    # the same for a level: the first tab chooses 2 while the second still shows none, then chooses 4
    first.run()
    first.radio(key=f"level_{assessment.id}_d1-2").set_value(2).run()
    second.radio(key=f"level_{assessment.id}_d1-2").set_value(4).run()
    assert "Intussen koos" in texts(second) and "U koos: **4 · Niveau 4**" in texts(second)
    button(second, "De andere versie houden").click().run()
    assert service.get_answers(app_env, actor=ME, assessment_id=assessment.id)["d1-2"].value == 2
    assert second.radio(key=f"level_{assessment.id}_d1-2").value == 2


def test_with_many_organisations_the_start_page_searches_instead_of_listing_them_all(app_env):
    for number in range(60):
        service.create_organisation(app_env, actor=ME, name=f"Gemeente {number:02d}", org_type="gemeente",
                                    size_class="inw-lt-20k")
    wanted = service.create_organisation(app_env, actor=ME, name="Waterschap Rijn en IJssel", org_type="waterschap",
                                         size_class="fte-250-1000")
    at = new_session(lang="nl")
    assert not at.exception
    assert len(at.selectbox(key="organisation_choice").options) == 50
    assert "61 organisaties gevonden; de eerste 50 staan in de lijst." in texts(at)
    at.text_input(key="organisation_search").input("rijn").run()
    assert at.selectbox(key="organisation_choice").options == ["Waterschap Rijn en IJssel (Waterschap)"]
    at.selectbox(key="organisation_choice").select(wanted.id).run()
    assert at.query_params["org"] == str(wanted.id)
    assert "2. Scans van Waterschap Rijn en IJssel" in texts(at)
    # a link to an organisation the search does not list still opens it
    direct = new_session(org=str(wanted.id), lang="nl")
    assert "2. Scans van Waterschap Rijn en IJssel" in texts(direct)


def test_the_instruction_of_1_1_is_on_the_respondents_page_and_the_phones_ballot(app_env, monkeypatch):
    """Zelfscan 1.1's levels are cumulative: how to choose is said with every question, also where colleagues
    answer on their own and where a room votes."""
    from questionnaires.loader import DEFAULT_DIR
    from respondents import service as respondents
    from workshops import service as workshop
    monkeypatch.delenv(ENV_DIR, raising=False)
    v11 = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")
    org = service.create_organisation(app_env, actor=ME, name="Gemeente Uitleg", org_type="gemeente",
                                      size_class="inw-lt-20k")
    scan = service.create_assessment(app_env, actor=ME, organisation_id=org.id, period="2026", questionnaire=v11)
    [link] = respondents.create_links(app_env, actor=ME, assessment_id=scan.id, count=1)
    respondents.choose_role(app_env, assessment_id=scan.id, token=link.token, role="backoffice")
    for language, instruction in (("nl", v11.instruction.nl), ("en", v11.instruction.en)):
        colleague = new_session("views/respond.py", a=scan.id, t=link.token, lang=language)
        assert not colleague.exception
        assert instruction.strip() in texts(colleague)
    started, token = workshop.start_workshop(app_env, actor=ME, assessment_id=scan.id, questionnaire=v11,
                                             question_ids=["ont-toegang-1"])
    _, seat = workshop.join(app_env, code=started.join_code, role="frontoffice")
    workshop.open_voting(app_env, actor=ME, workshop_id=started.id, token=token, question_id="ont-toegang-1")
    for language, instruction in (("nl", v11.instruction.nl), ("en", v11.instruction.en)):
        phone = new_session("views/vote.py", seat=seat, lang=language)
        assert not phone.exception
        assert v11.question("ont-toegang-1").text.get(language) in texts(phone)
        assert instruction.strip() in texts(phone)
