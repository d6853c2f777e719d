"""The KPI page and the KPI picture on Resultaten, Geschiedenis and Verbeterplan, with Streamlit's AppTest."""

from datetime import date

import pytest
from sqlalchemy import text

from plan import service as plan
from assessment import service
from storage.db import ENV_URL, get_database
from conftest import ME, ROOT, migrated_sqlite
from kpi import service as kpis
from indicators.library import DEFAULT_FILE, load_library
from questionnaires.loader import ENV_DIR, load_questionnaire
from test_app import button, new_session, texts

THIS_YEAR = date.today().year


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """The app on a fresh database with the shipped questionnaire and the shipped KPI library."""
    url = f"sqlite:///{migrated_sqlite(tmp_path / 'kpi.sqlite')}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.delenv(ENV_DIR, raising=False)
    return get_database(url)


@pytest.fixture(scope="module")
def library():
    return load_library(DEFAULT_FILE)


@pytest.fixture(scope="module")
def zelfscan():
    return load_questionnaire(ROOT / "questionnaires" / "definitions" / "klantbewustzijn-zelfscan-1.0.yaml")


def errors(at) -> list[str]:
    """The error messages as the page shows them: user text in them is escaped markdown (backslashes)."""
    return [e.value.replace("\\", "") for e in at.error]


def kpi_page(organisation_id: int, lang: str = "nl"):
    return new_session("views/kpi.py", org=str(organisation_id), lang=lang)


def test_choose_kpis_enter_values_and_set_a_target_on_the_kpi_page(shipped, library):
    org = service.create_organisation(shipped, actor=ME, name="Gemeente Gehoord", org_type="gemeente",
                                      size_class="inw-20-50k")
    at = kpi_page(org.id)
    assert not at.exception
    assert at.title[0].value == "KPI's: sturen op de bedoeling"
    assert "Uw register heeft nog geen KPI's." in texts(at)
    # choose two library KPIs: the people-centred ones are listed first
    choice = at.multiselect(key="kpi_library_choice")
    assert choice.options[0] == "Signalen per 1.000 klantcontacten (mensgericht, Ontvankelijk)"
    kinds = ["mensgericht" in option for option in choice.options]
    assert kinds == sorted(kinds, reverse=True) and kinds.count(True) == 10
    choice.select("klagers-gehoord").select("aantal-klachten").run()
    button(at, "Toevoegen aan het register").click().run()
    assert not at.exception
    assert "2 KPI's toegevoegd aan het register." in texts(at)
    register = kpis.get_register(shipped, actor=ME, organisation_id=org.id, library=library)
    assert [k.code for k in register.kpis] == ["klagers-gehoord", "aantal-klachten"]
    heard, count = (k.id for k in register.kpis)

    # enter a ratio by numerator and denominator: the app computes 60%
    at.selectbox(key="kpi_enter_entry").select(heard).run()
    at.text_input(key="kpi_enter_period").input(f"{THIS_YEAR}-Q1")
    at.number_input(key="kpi_enter_numerator").set_value(30)
    at.number_input(key="kpi_enter_denominator").set_value(50)
    button(at, "Meting bewaren").click().run()
    assert not at.exception
    assert f"Bewaard: Klagers die zich gehoord voelen, {THIS_YEAR}-Q1: 60% van 50 klagers." in texts(at)
    assert at.text_input(key="kpi_enter_period").value == ""  # ready for the next one

    # bad input: a clear message naming the KPI and the period, and nothing written
    at.text_input(key="kpi_enter_period").input(f"{THIS_YEAR}-Q1")
    at.number_input(key="kpi_enter_numerator").set_value(70)
    at.number_input(key="kpi_enter_denominator").set_value(50)
    button(at, "Meting bewaren").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == [  # as shown: the period is escaped markdown
        f"Klagers die zich gehoord voelen, {THIS_YEAR}-Q1: de teller (70) is groter dan de noemer (50). "
        "Dat kan niet: controleer beide getallen."]
    at.number_input(key="kpi_enter_numerator").set_value(35)
    button(at, "Meting bewaren").click().run()
    assert errors(at) == [
        f"Klagers die zich gehoord voelen, {THIS_YEAR}-Q1: voor deze periode is al een meting. Wilt u die "
        "veranderen? Kies dan voor vervangen."]
    at.text_input(key="kpi_enter_period").input(f"{THIS_YEAR + 1}")
    button(at, "Meting bewaren").click().run()
    assert "deze periode is nog niet begonnen" in errors(at)[0]
    at.text_input(key="kpi_enter_period").input("zomer")
    button(at, "Meting bewaren").click().run()
    assert errors(at)[0] == ("Klagers die zich gehoord voelen: 'zomer' is geen periode die we kennen. Gebruik een "
                                 "jaar (2026), een kwartaal (2026-Q1 of K1 2026) of een maand (2026-03 of jan 2026).")
    values = kpis.get_register(shipped, actor=ME, organisation_id=org.id, library=library).values[heard]
    assert [(v.period.code, v.numerator, v.denominator) for v in values] == [(f"{THIS_YEAR}-Q1", 30, 50)]

    # a count takes a value; a negative one is refused
    at.selectbox(key="kpi_enter_entry").select(count).run()
    at.text_input(key="kpi_enter_period").input(str(THIS_YEAR - 1))
    at.number_input(key="kpi_enter_value").set_value(120)
    button(at, "Meting bewaren").click().run()
    assert f"Bewaard: Aantal klachten, {THIS_YEAR - 1}: 120." in texts(at)

    # a target, saved as soon as it is typed; the page then says whether it is reached
    at.number_input(key=f"kpi_target_{heard}").set_value(55).run()
    assert kpis.get_register(shipped, actor=ME, organisation_id=org.id, library=library).entry(heard).target == 55
    page = texts(at)
    assert f"**Laatste meting ({THIS_YEAR}-Q1): 60% van 50 klagers** · doel 55%: gehaald." in page
    # the number of complaints is context: no target field, no verdict, and the page says why
    assert f"kpi_target_{count}" not in [n.key for n in at.number_input]
    assert ("Dit is een KPI voor context. Meer of minder is hier niet beter of slechter. Daarom heeft deze KPI geen "
            "doel. Kijk naar wat erachter zit.") in page
    assert "**Laatste meting (" + str(THIS_YEAR - 1) + "): 120** · context: geen doel." in page
    # the Gouden Oor result areas of a library KPI, in small text under its description
    assert ("Bewijs voor de Gouden Oor-resultaatgebieden: vertrouwen en reputatie, retentie en meerwaarde"
            in [c.value for c in at.caption])
    assert len(at.get("plotly_chart")) == 2  # a trend line per KPI
    overview, counted, table, peers = (t.value for t in at.table)  # each chart's numbers as a table, the peers
    assert list(peers["Uw positie"]) == ["Te weinig organisaties: 0, er zijn er minstens 5 nodig."]
    assert list(counted.index) == [str(THIS_YEAR - 1)] and list(counted["Waarde"]) == ["120"]
    assert list(table.index) == [f"{THIS_YEAR}-Q1"] and list(table["Waarde"]) == ["60% van 50 klagers"]
    assert list(table["Teller"]) == ["30"] and list(table["Noemer"]) == ["50"]
    assert list(overview.index) == ["Klagers die zich gehoord voelen", "Aantal klachten"]  # people-centred first
    assert list(overview["Stand"]) == ["doel 55%: gehaald", "context: geen doel"]
    assert list(overview["Laatste meting"]) == [f"60% van 50 klagers ({THIS_YEAR}-Q1)", f"120 ({THIS_YEAR - 1})"]


def test_an_own_kpi_and_a_file_of_values(shipped, library):
    org = service.create_organisation(shipped, actor=ME, name="Waterschap Eigen", org_type="waterschap",
                                      size_class="fte-250-1000")
    at = kpi_page(org.id)
    at.text_input(key="own_name").input("Terugbelverzoeken binnen een dag")
    at.text_area(key="own_definition").input("Het deel van de terugbelverzoeken dat binnen een werkdag is gedaan.")
    at.selectbox(key="own_unit").select("percentage")
    at.selectbox(key="own_direction").select("higher")
    at.selectbox(key="own_competency").select("klantgevoelig")
    at.text_input(key="own_numerator").input("Verzoeken binnen een dag teruggebeld")
    at.text_input(key="own_denominator").input("Alle terugbelverzoeken")
    button(at, "Eigen KPI toevoegen").click().run()
    assert not at.exception
    assert ("Eigen KPI Terugbelverzoeken binnen een dag toegevoegd "
            "(id: eigen\\-terugbelverzoeken\\-binnen\\-een\\-dag).") in texts(at)
    # a file with one good and one bad row: nothing stored, every problem by row and column
    content = (f"kpi;periode;teller;noemer\neigen-terugbelverzoeken-binnen-een-dag;{THIS_YEAR}-01;40;50\n"
               f"eigen-terugbelverzoeken-binnen-een-dag;{THIS_YEAR}-02;60;50\ngehoord;{THIS_YEAR}-01;1;2\n")
    at.file_uploader(key="kpi_file_0").set_value(("metingen.csv", content.encode(), "text/csv")).run()
    button(at, "Bestand inlezen").click().run()
    error = errors(at)[0]
    assert error.startswith("Het bestand is niet ingelezen. Er is niets opgeslagen. Er zijn 2 problemen:")
    assert (f"- Regel 3, kolom 'teller': Terugbelverzoeken binnen een dag, {THIS_YEAR}-02: de teller (60) is "
            "groter dan de noemer (50).") in error
    assert "- Regel 4, kolom 'kpi': 'gehoord' is geen KPI die we kennen." in error
    register = kpis.get_register(shipped, actor=ME, organisation_id=org.id, library=library)
    assert register.values[register.kpis[0].id] == []
    fixed = content.replace(";60;50", ";45;50").replace(f"gehoord;{THIS_YEAR}-01;1;2\n", "")
    at.file_uploader(key="kpi_file_0").set_value(("metingen.csv", fixed.encode(), "text/csv")).run()
    button(at, "Bestand inlezen").click().run()
    assert not at.exception and "2 waarden voor 1 KPI, er wordt niets vervangen." in texts(at)
    register = kpis.get_register(shipped, actor=ME, organisation_id=org.id, library=library)
    assert register.values[register.kpis[0].id] == []  # nothing stored before the confirmation
    button(at, "Bevestigen en opslaan").click().run()
    assert not at.exception and "2 metingen ingelezen." in texts(at)
    # the next file goes into an empty uploader (not a replacement of the one just imported)
    assert [u.key for u in at.get("file_uploader")] == ["kpi_file_1"] and at.get("file_uploader")[0].value is None
    # two months of a ratio add up: 85 of 100
    assert f"Heel {THIS_YEAR}: 85% van 100 gevallen (2 perioden opgeteld, 2 van de 12 maanden gemeten)." in texts(at)


def test_the_kpi_page_in_english(shipped, library):
    org = service.create_organisation(shipped, actor=ME, name="Province", org_type="provincie",
                                      size_class="fte-lt-250")
    [entry] = kpis.add_library_kpis(shipped, actor=ME, organisation_id=org.id, library=library,
                                    kpi_ids=["doorlooptijd"])
    kpis.save_value(shipped, actor=ME, entry_id=entry, library=library, period=str(THIS_YEAR - 1), numerator=900,
                    denominator=60)
    kpis.set_target(shipped, actor=ME, entry_id=entry, library=library, target=14)
    [heard] = kpis.add_library_kpis(shipped, actor=ME, organisation_id=org.id, library=library,
                                    kpi_ids=["klagers-gehoord"])
    kpis.save_value(shipped, actor=ME, entry_id=heard, library=library, period=str(THIS_YEAR - 1), numerator=3,
                    denominator=7)
    at = kpi_page(org.id, "en")
    assert not at.exception
    assert at.title[0].value == "KPIs: steering on what matters"
    assert f"**Latest value ({THIS_YEAR - 1}): 15.0 days** · target 14.0 days: not reached yet." in texts(at)
    # a percentage of fewer than 10 cases says so
    assert (f"**Latest value ({THIS_YEAR - 1}): 43% of 7 complainants (uncertain: fewer than 10)** · no target."
            in texts(at))
    assert "Evidence for the Gouden Oor result areas: trust and reputation, retention and added value" in texts(at)
    assert at.number_input(key="kpi_enter_numerator").label == "Numerator"


def test_results_history_and_plan_show_the_kpis(shipped, library, zelfscan):
    org = service.create_organisation(shipped, actor=ME, name="Gemeente Samenhang", org_type="gemeente",
                                      size_class="inw-20-50k")
    ids = {}
    for year, level in ((THIS_YEAR - 1, 2), (THIS_YEAR, 3)):
        assessment = service.create_assessment(shipped, actor=ME, organisation_id=org.id, period=str(year),
                                               questionnaire=zelfscan)
        for question in zelfscan.questions():
            service.save_answer(shipped, actor=ME, assessment_id=assessment.id, question_id=question.id,
                                value=level + (1 if question.id.startswith("kg-") and year == THIS_YEAR else 0))
        ids[year] = assessment.id
    service.finalise_assessment(shipped, actor=ME, assessment_id=ids[THIS_YEAR - 1])
    heard, count, repeat = kpis.add_library_kpis(shipped, actor=ME, organisation_id=org.id, library=library,
                                                 kpi_ids=["klagers-gehoord", "aantal-klachten", "herhaalde-oorzaak"])
    kpis.save_value(shipped, actor=ME, entry_id=heard, library=library, period=str(THIS_YEAR - 1), numerator=35,
                    denominator=100)
    kpis.save_value(shipped, actor=ME, entry_id=heard, library=library, period=f"{THIS_YEAR}-Q1", numerator=20,
                    denominator=50)
    kpis.save_value(shipped, actor=ME, entry_id=heard, library=library, period=f"{THIS_YEAR}-Q2", numerator=21,
                    denominator=50)
    kpis.set_target(shipped, actor=ME, entry_id=heard, library=library, target=60)
    kpis.save_value(shipped, actor=ME, entry_id=count, library=library, period=str(THIS_YEAR - 1), value=240)
    for quarter, numerator in ((1, 1), (2, 0)):  # 1 of 8 complaints: 13%, from fewer than 10 cases
        kpis.save_value(shipped, actor=ME, entry_id=repeat, library=library, period=f"{THIS_YEAR}-Q{quarter}",
                        numerator=numerator, denominator=4)
    with shipped.write() as session:  # a target stored before the number of complaints became context
        session.execute(text(f"UPDATE kpi_register SET target = 200 WHERE id = {count}"))
    [action] = plan.add_actions(shipped, actor=ME, assessment_id=ids[THIS_YEAR], questionnaire=zelfscan, actions=[
        dict(dimension_id="kg-terugkoppeling", title="Terugbellen na elke klacht", start_date=date(THIS_YEAR, 4, 1),
             kpi_entry_id=heard)])

    results = new_session("views/results.py", a=ids[THIS_YEAR], lang="nl")
    assert not results.exception
    lines = [m.value for m in results.markdown if m.value.startswith("**Klantgevoelig**")]
    # this year: 41 of 100 complainants felt heard (two quarters added up), against a target of 60%
    assert lines == ["**Klantgevoelig**: score 4,0 · 41% van de klagers voelt zich gehoord "
                     "(gebaseerd op 100 klagers, doel 60%, nog niet gehaald)"]
    assert f"Van {THIS_YEAR} zijn nog maar 6 van de 12 maanden gemeten." in texts(results)
    assert "**Ontvankelijk**: score 3,0" in texts(results)
    # the latest value, with its period; a context KPI without a verdict, even with a target stored before
    assert f"Daarnaast: 240 klachten ({THIS_YEAR - 1})" in [c.value for c in results.caption]
    assert "**Lerend**: score 3,0 · 13% van de klachten gaat over een oorzaak die al bekend was (gebaseerd op 8 " \
           "klachten, onzeker: minder dan 10)" in texts(results)
    english = new_session("views/results.py", a=ids[THIS_YEAR], lang="en")
    assert any(m.value == "**Customer-sensitive**: score 4.0 · 41% of complainants felt heard (based on 100 "
               "complainants, target 60%, not reached yet)" for m in english.markdown)

    history = new_session("views/history.py", a=ids[THIS_YEAR], lang="nl")
    assert not history.exception
    assert "KPI's naast de scores" in [s.value for s in history.header]  # an h2 under the page's h1
    tables = {tuple(t.value.columns): t.value for t in history.table}
    klantgevoelig = tables[("Score", "Klagers die zich gehoord voelen (doel 60%)")]
    assert list(klantgevoelig.index) == [str(THIS_YEAR - 1), f"{THIS_YEAR} (concept)"]  # a draft is marked
    assert list(klantgevoelig["Score"]) == ["2,0", "4,0"]
    # this year measured over Q1 and Q2 only: marked as a part of the period
    assert list(klantgevoelig["Klagers die zich gehoord voelen (doel 60%)"]) == [
        "35% van 100 klagers", "41% van 100 klagers (deel van de periode: 6 van 12 maanden)"]
    ontvankelijk = tables[("Score", "Aantal klachten")]  # context: no target in its heading
    assert list(ontvankelijk["Aantal klachten"]) == ["240", "–"]
    lerend = tables[("Score", "Klachten met een bekende oorzaak")]
    assert list(lerend["Klachten met een bekende oorzaak"]) == [
        "–", "13% van 8 klachten (onzeker: minder dan 10) (deel van de periode: 6 van 12 maanden)"]

    plan_page = new_session("views/plan.py", a=ids[THIS_YEAR], lang="nl")
    assert not plan_page.exception
    editor = plan_page.data_editor(key="plan_editor").value
    assert list(editor["KPI uit het register"]) == ["Klagers die zich gehoord voelen"]
    assert (f"- Actie **Terugbellen na elke klacht** (start 01-04-{THIS_YEAR}) → Klagers die zich gehoord voelen: "
            f"voor de start 40% van 50 klagers ({THIS_YEAR}-Q1); daarna 42% van 50 klagers ({THIS_YEAR}-Q2).") \
        in texts(plan_page)
    kpi = kpi_page(org.id)
    assert (f"Actie **Terugbellen na elke klacht** (start 01-04-{THIS_YEAR}, gepland): voor de start 40% van 50 "
            f"klagers ({THIS_YEAR}-Q1); daarna 42% van 50 klagers ({THIS_YEAR}-Q2).") in texts(kpi)
    assert "**Laatste meting (" + str(THIS_YEAR - 1) + "): 240** · context: geen doel." in texts(kpi)
    assert "gehaald" not in " ".join(p for p in texts(kpi).split("\n") if "240" in p)
    assert action
