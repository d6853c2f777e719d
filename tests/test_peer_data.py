"""Peer data: the demo generator, opt-in, and peer comparisons through the service layer."""

import numpy as np
import pytest

from peers import service as peers
from assessment import service
from peers.demo import generate_demo_records
from scoring.engine import score_assessment
from access import AccessDenied
from conftest import ME


def test_demo_generator_is_deterministic_and_realistic(zelfscan):
    first = generate_demo_records(zelfscan, seed=7)
    assert first == generate_demo_records(zelfscan, seed=7)
    assert first != generate_demo_records(zelfscan, seed=8)
    assert 200 <= len(first) <= 600
    assert {r["org_type"] for r in first} >= {"gemeente", "provincie", "waterschap", "uitvoeringsorganisatie"}
    assert {r["year"] for r in first} == {2022, 2023, 2024, 2025, 2026}
    values = [v for r in first for v in r["answers"].values()]
    assert {1, 2, 3, 4, 5, "nvt", "weetniet"} <= set(values)


def organisation_with_final(db, questionnaire, name, level, share, size="inw-20-50k"):
    org = service.create_organisation(db, actor=ME, name=name, org_type="gemeente", size_class=size)
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=questionnaire)
    for question in questionnaire.questions():
        service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=level)
    service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
    if share:
        peers.set_sharing(db, actor=ME, organisation_id=org.id, share=True)
    return org


def test_only_organisations_that_opted_in_are_peers_and_never_the_own(db, mini):
    own = organisation_with_final(db, mini, "Eigen gemeente", 3, share=True)
    for i in range(4):
        organisation_with_final(db, mini, f"Deelnemer {i}", 2 + i % 2, share=True)
    organisation_with_final(db, mini, "Zegt nee", 5, share=False)
    organisation_with_final(db, mini, "Andere grootte", 1, share=True, size="inw-gt-250k")
    group = peers.PeerGroup("gemeente", ("inw-20-50k",), (2026,), min_group=3)
    scores, demo, organisations = peers.peer_scores(db, actor=ME, organisation_id=own.id, questionnaire=mini,
                                                    group=group)
    assert len(scores) == 4 and not demo.any() and organisations.nunique() == 4  # not the own one, not the one that said no, not another size
    assert peers.is_sharing(db, actor=ME, organisation_id=own.id) is True
    own_scores = {"d1": 3.0}
    comparison = peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=mini,
                                          own_scores=own_scores, group=group)
    figure = comparison.figures["d1"]
    assert (figure.n, figure.median, figure.share_below) == (4, 2.5, 0.5)
    # with the default minimum of 5 the same group shows no figures
    strict = peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=mini,
                                      own_scores=own_scores, group=peers.PeerGroup("gemeente", ("inw-20-50k",), (2026,)))
    assert strict.figures["d1"].suppressed and strict.figures["d1"].median is None


def viewer(db, org_type="gemeente", size="inw-20-50k"):
    """An organisation that looks at peer data (and is never among its own peers)."""
    return service.create_organisation(db, actor=ME, name="Kijker", org_type=org_type, size_class=size)


def test_demo_set_is_stored_labelled_and_removable(db, zelfscan):
    own = viewer(db)
    set_id = peers.load_demo_set(db, actor=ME, organisation_id=own.id, questionnaire=zelfscan, seed=7)
    again = peers.load_demo_set(db, actor=ME, organisation_id=own.id, questionnaire=zelfscan, seed=7)  # replaces
    sets = peers.list_peer_sets(db, actor=ME, organisation_id=own.id)
    assert [(s.id, s.is_demo, s.source) for s in sets] == [(again, True, "demo")] and set_id
    assert sets[0].records == len(generate_demo_records(zelfscan, seed=7))
    group = peers.PeerGroup("gemeente", tuple(service.SIZE_CLASSES["gemeente"]), (2025, 2026))
    viewer_id = own.id
    scored = score_assessment(zelfscan, {q.id: 3 for q in zelfscan.questions()})
    comparison = peers.compare_with_peers(db, actor=ME, organisation_id=viewer_id, questionnaire=zelfscan, group=group,
                                          own_scores={d: s.score for d, s in scored.dimensions.items()})
    assert comparison.n_peers == comparison.n_demo > 20
    assert not comparison.figures["ont-toegang"].suppressed
    assert 1 <= comparison.figures["ont-toegang"].median <= 5
    peers.delete_peer_set(db, actor=ME, peer_set_id=again)
    assert peers.list_peer_sets(db, actor=ME, organisation_id=own.id) == []
    with pytest.raises(AccessDenied):  # gone: as unknown as someone else's
        peers.delete_peer_set(db, actor=ME, peer_set_id=again)


def test_peers_given_as_dimension_scores_count_like_the_others(db, mini):
    records = [{"organisation_key": f"provincie-{i}", "org_type": "provincie", "size_class": "fte-lt-250",
                "year": 2026, "scores": {"d1": 1.0 + i, "d2": 2.0, "d3": 3.0}} for i in range(5)]
    own = viewer(db, "provincie", "fte-lt-250")
    peers.store_peer_set(db, actor=ME, organisation_id=own.id, name="bestand.csv", source="import",
                         questionnaire=mini, records=records)
    group = peers.PeerGroup("provincie", ("fte-lt-250",), (2026,))
    comparison = peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=mini,
                                          own_scores={"d1": 2.5}, group=group)
    assert comparison.n_peers == 5 and comparison.n_demo == 0
    assert comparison.figures["d1"].median == 3.0 and comparison.figures["d1"].share_below == pytest.approx(2 / 5)
    # competency c1 = mean of d1 and d2 per peer: 1.5, 2, 2.5, 3, 3.5
    assert comparison.figures["c1"].median == pytest.approx(2.5)
    assert comparison.figures["overall"].median == pytest.approx((2.5 + 3.0) / 2)


def test_two_organisations_over_three_years_show_no_figures(db, mini):
    own = service.create_organisation(db, actor=ME, name="Eigen", org_type="gemeente", size_class="inw-20-50k")
    for name, level in (("Deelnemer A", 2), ("Deelnemer B", 4)):
        org = service.create_organisation(db, actor=ME, name=name, org_type="gemeente", size_class="inw-20-50k")
        for period in ("2024", "2025", "2026"):
            assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period=period, questionnaire=mini)
            for question in mini.questions():
                service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id=question.id, value=level)
            service.finalise_assessment(db, actor=ME, assessment_id=assessment.id)
        peers.set_sharing(db, actor=ME, organisation_id=org.id, share=True)
    group = peers.PeerGroup("gemeente", ("inw-20-50k",), (2024, 2025, 2026))
    comparison = peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=mini,
                                          own_scores={"overall": 3.0}, group=group)
    assert (comparison.n_peers, comparison.n_organisations) == (6, 2)  # six organisation-years, two organisations
    assert all(f.suppressed and f.median is None for f in comparison.figures.values())
    assert comparison.figures["overall"].organisations == 2


def test_an_imported_file_counts_each_organisation_once(db, mini):
    from exports.benchmark_file import organisation_key
    header = "organisation,org_type,size_class,year,questionnaire_id,questionnaire_version,d1,d2,d3"
    rows = [f"{name},provincie,fte-lt-250,{year},mini,0.1,{score},3,3"
            for name, score in (("Provincie Noord", 2), ("provincie  noord", 3), ("Provincie Zuid", 4))
            for year in ((2024,) if name == "provincie  noord" else (2025, 2026))]
    # 'provincie  noord' is the same organisation as 'Provincie Noord', in another year
    own = viewer(db, "provincie", "fte-lt-250")
    peers.import_benchmark_file(db, actor=ME, organisation_id=own.id, filename="twee.csv",
                                data=("\n".join([header] + rows) + "\n").encode(),
                                lookup=lambda i, v: mini if (i, v) == (mini.id, mini.version) else None)
    group = peers.PeerGroup("provincie", ("fte-lt-250",), (2024, 2025, 2026), min_group=3)
    comparison = peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=mini, own_scores={},
                                          group=group)
    assert (comparison.n_peers, comparison.n_organisations) == (5, 2)
    assert comparison.figures["d1"].suppressed
    _, _, keys = peers.peer_scores(db, actor=ME, organisation_id=own.id, questionnaire=mini, group=group)
    assert set(keys) == {organisation_key("Provincie Noord"), organisation_key("Provincie Zuid")}
    assert not any("Noord" in key or "Zuid" in key for key in keys)  # never the name itself


def test_the_demo_set_knows_its_organisations(zelfscan):
    records = generate_demo_records(zelfscan, seed=7)
    keys = {r["organisation_key"] for r in records}
    assert len(keys) == 120 < len(records)  # organisations with several years each


def test_peers_of_an_earlier_version_count_only_where_the_versions_measure_the_same(db, zelfscan):
    """Peers who used zelfscan 1.0 are compared with a 1.1 scan on the parts whose questions are the same in both
    (Signalen, Leercirkels); the other parts are named as not compared, and count only the 1.1 peers."""
    from questionnaires.loader import DEFAULT_DIR, load_questionnaire
    v11 = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")
    own = viewer(db)
    for i in range(5):
        organisation_with_final(db, zelfscan, f"Oud {i}", 2, share=True)
    for i in range(3):
        organisation_with_final(db, v11, f"Nieuw {i}", 4, share=True)
    group = peers.PeerGroup("gemeente", ("inw-20-50k",), (2026,), min_group=3)
    own_scores = {"ont-signalen": 3.0, "ont-toegang": 3.0}
    only_new = peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=v11,
                                        own_scores=own_scores, group=group)
    assert only_new.figures["ont-signalen"].organisations == 3 and only_new.not_compared == ()
    both = peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=v11,
                                    own_scores=own_scores, group=group, earlier_versions=[zelfscan])
    assert both.earlier_versions == ("1.0",)
    # comparable: 1.0 peers count (5 at level 2 and 3 at level 4)
    assert both.figures["ont-signalen"].organisations == 8 and both.figures["ont-signalen"].median == 2.0
    assert both.figures["le-leercirkels"].organisations == 8
    # not comparable: only the 1.1 peers, and named
    assert both.figures["ont-toegang"].organisations == 3 and both.figures["ont-toegang"].median == 4.0
    assert "ont-toegang" in both.not_compared and "ont-signalen" not in both.not_compared
    assert "overall" in both.not_compared and "ontvankelijk" in both.not_compared
    assert set(both.not_compared) >= {d.id for d in v11.dimensions()} - {"ont-signalen", "le-leercirkels"}


def test_the_share_of_peers_that_meet_each_legal_requirement(db):
    from questionnaires.loader import DEFAULT_DIR, load_questionnaire
    from scoring.legal import legal_key
    v11 = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")
    own = viewer(db)
    for i, (nine_seven, nine_six) in enumerate((("ja", "ja"), ("ja", None), ("nee", None), ("ja", None),
                                                ("weetniet", None))):
        org = service.create_organisation(db, actor=ME, name=f"Wet {i}", org_type="gemeente", size_class="inw-20-50k")
        scan = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=v11)
        service.save_answer(db, actor=ME, assessment_id=scan.id, question_id=legal_key("awb-9-7"), value=nine_seven)
        if nine_six:
            service.save_answer(db, actor=ME, assessment_id=scan.id, question_id=legal_key("awb-9-6"), value=nine_six)
        service.finalise_assessment(db, actor=ME, assessment_id=scan.id)
        peers.set_sharing(db, actor=ME, organisation_id=org.id, share=True)
    group = peers.PeerGroup("gemeente", ("inw-20-50k",), (2026,), min_group=3)
    shares = peers.legal_shares(db, actor=ME, organisation_id=own.id, questionnaire=v11, group=group)
    assert shares["awb-9-7"].organisations == 5 and shares["awb-9-7"].share_met == pytest.approx(3 / 5)
    # one organisation answered 9:6: below the minimum, no share
    assert shares["awb-9-6"].organisations == 1 and shares["awb-9-6"].share_met is None
    # an organisation that does not share is no peer
    peers.set_sharing(db, actor=ME, organisation_id=service.list_organisations(db, actor=ME)[-1].id, share=False)
    fewer = peers.legal_shares(db, actor=ME, organisation_id=own.id, questionnaire=v11, group=group)
    assert fewer["awb-9-7"].organisations == 4


def test_peers_are_compared_per_gouden_oor_area_by_the_same_rules_as_the_page(db):
    """The stored peer scores hold the areas of the area view too, computed like `score_areas` on Resultaten
    (weighted mean, coverage threshold, n.v.t. not applicable), so peers can be compared per area."""
    import random

    from peers.scores import AREA_PREFIX, score_answer_dicts, unit_ids
    from questionnaires.loader import DEFAULT_DIR, load_questionnaire
    from scoring.engine import score_areas
    v11 = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.1.yaml")
    randomness = random.Random(11)
    rows = [{q.id: randomness.choice([1, 2, 3, 4, 5, "nvt", "weetniet", None, None]) for q in v11.questions()}
            for _ in range(60)]
    rows = [{k: v for k, v in r.items() if v is not None} for r in rows]
    units = unit_ids(v11)
    batch = score_answer_dicts(v11, rows)
    areas = [u for u in units if u.startswith(AREA_PREFIX)]
    assert len(areas) == 5
    for r, answers in enumerate(rows):
        expected = score_areas(v11, answers)
        for unit in areas:
            value = expected[unit[len(AREA_PREFIX):]].score
            got = batch[r, units.index(unit)]
            assert (value is None and np.isnan(got)) or got == pytest.approx(value)
    # through the service: peers per area, like per dimension
    own = viewer(db)
    for i in range(3):
        organisation_with_final(db, v11, f"Gebied {i}", 2 + i, share=True)
    group = peers.PeerGroup("gemeente", ("inw-20-50k",), (2026,), min_group=3)
    comparison = peers.compare_with_peers(db, actor=ME, organisation_id=own.id, questionnaire=v11,
                                          own_scores={AREA_PREFIX + "sturing": 3.5}, group=group)
    figure = comparison.figures[AREA_PREFIX + "sturing"]
    assert (figure.organisations, figure.median, figure.share_below) == (3, 3.0, pytest.approx(2 / 3))
