"""Peer rows kept in memory between comparisons (peers/service.py), and the peer data stamp that says whether
they are still current (migration 0012: triggers change it). Every change of peer data, made through another app
server or by a plain SQL statement of a script, is seen by the next comparison; a comparison of unchanged data
reads only the stamp. On SQLite, and on PostgreSQL in CI."""

import pytest
from sqlalchemy import delete, event, text, update

import access
from access import AccessDenied
from peers import service as peers
from peers import scores
from assessment import service
from storage.db import Database
from storage.models import AssessmentRow, AssessmentScoreRow, OrganisationRow, PeerRecordRow
from conftest import ME, member_of
from test_stored_scores import final_peers, write_answers

GROUP = peers.PeerGroup("gemeente", ("inw-20-50k",), (2026,))


def stamp(db) -> str:
    with db.read() as session:
        return session.execute(text("SELECT stamp FROM data_versions WHERE name = 'peers'")).scalar_one()


def record(key: str, year: int = 2026) -> dict:
    return {"organisation_key": key, "org_type": "gemeente", "size_class": "inw-20-50k", "year": year,
            "answers": {"d1-1": 2, "d1-2": 2, "d2-1": 2, "d3-1": 2}}


@pytest.fixture
def scene(db, mini):
    """A viewer that does not share, five sharing peers with a final assessment each, and a peer set of the
    viewer with two records: seven peers in the group."""
    viewer = service.create_organisation(db, actor=ME, name="Kijker", org_type="gemeente", size_class="inw-20-50k")
    assessments = final_peers(db, mini, 5)
    organisations = [service.get_assessment(db, a, actor=ME).organisation_id for a in assessments]
    peer_set = peers.store_peer_set(db, actor=ME, organisation_id=viewer.id, name="bestand.csv", source="import",
                                    questionnaire=mini, records=[record("k1"), record("k2")])
    return {"viewer": viewer.id, "assessments": assessments, "organisations": organisations, "peer_set": peer_set}


def compare(db, mini, scene):
    return peers.compare_with_peers(db, actor=ME, organisation_id=scene["viewer"], questionnaire=mini,
                                    own_scores={}, group=GROUP)


def new_final_peer(other, mini, scene):
    org = service.create_organisation(other, actor=ME, name="Nieuw", org_type="gemeente", size_class="inw-20-50k")
    assessment = service.create_assessment(other, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    write_answers(other, assessment.id, {q.id: 5 for q in mini.questions()})
    service.finalise_assessment(other, actor=ME, assessment_id=assessment.id, questionnaire=mini)
    peers.set_sharing(other, actor=ME, organisation_id=org.id, share=True)


def stops_sharing(other, mini, scene):
    peers.set_sharing(other, actor=ME, organisation_id=scene["organisations"][0], share=False)


def other_type(other, mini, scene):
    service.update_organisation(other, actor=ME, organisation_id=scene["organisations"][0], name="Deelnemer 0",
                                org_type="provincie", size_class=service.size_classes_for("provincie")[0])


def other_size(other, mini, scene):
    service.update_organisation(other, actor=ME, organisation_id=scene["organisations"][0], name="Deelnemer 0",
                                org_type="gemeente", size_class="inw-50-100k")


def organisation_removed(other, mini, scene):  # by a script, in plain SQL
    with other.write() as session:
        session.execute(delete(OrganisationRow).where(OrganisationRow.id == scene["organisations"][0]))


def assessment_removed(other, mini, scene):
    with other.write() as session:
        session.execute(delete(AssessmentRow).where(AssessmentRow.id == scene["assessments"][0]))


def peer_set_added(other, mini, scene):
    peers.store_peer_set(other, actor=ME, organisation_id=scene["viewer"], name="meer.csv", source="import",
                         questionnaire=mini, records=[record("k3"), record("k4")])


def peer_set_removed(other, mini, scene):
    peers.delete_peer_set(other, actor=ME, peer_set_id=scene["peer_set"])


def record_moved(other, mini, scene):
    with other.write() as session:
        session.execute(update(PeerRecordRow).where(PeerRecordRow.organisation_key == "k1").values(year=2020))


def scores_rewritten(other, mini, scene):
    lowest = scores.encode([[1.0] * len(scores.unit_ids(mini))])[0]
    with other.write() as session:
        session.execute(update(AssessmentScoreRow).where(AssessmentScoreRow.assessment_id == scene["assessments"][0])
                        .values(scores=lowest))


CHANGES = {
    "a peer finalises": (new_final_peer, lambda c: c.n_peers == 8 and c.figures["overall"].maximum == 5.0),
    "a peer stops sharing": (stops_sharing, lambda c: c.n_peers == 6),
    "a peer becomes a provincie": (other_type, lambda c: c.n_peers == 6),
    "a peer grows": (other_size, lambda c: c.n_peers == 6),
    "a peer organisation is removed": (organisation_removed, lambda c: c.n_peers == 6),
    "a final assessment is removed": (assessment_removed, lambda c: c.n_peers == 6),
    "a peer set is added": (peer_set_added, lambda c: c.n_peers == 9 and c.n_organisations == 9),
    "a peer set is removed": (peer_set_removed, lambda c: c.n_peers == 5),
    "a peer record changes year": (record_moved, lambda c: c.n_peers == 6),
    "stored scores are rewritten": (scores_rewritten, lambda c: c.n_peers == 7 and c.figures["overall"].minimum == 1.0),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_of_peer_data_through_another_server_is_seen_at_once(db, mini, scene, change):
    make, expected = CHANGES[change]
    before = compare(db, mini, scene)
    assert (before.n_peers, before.n_organisations) == (7, 7) and before.figures["overall"].minimum > 1.0
    assert compare(db, mini, scene) == before  # kept, and the same
    first_stamp = stamp(db)
    other = Database(db.url)  # another app server on the same database
    try:
        make(other, mini, scene)
    finally:
        other.dispose()
    assert stamp(db) != first_stamp
    assert expected(compare(db, mini, scene))


def test_unchanged_peer_data_is_read_once_and_the_access_check_runs_every_time(db, mini, scene):
    statements = []
    event.listen(db.read_engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: statements.append(statement))
    first = compare(db, mini, scene)
    reads_rows = [s for s in statements if "assessment_scores" in s and "peer_records" in s]
    assert len(reads_rows) == 1
    statements.clear()
    again = compare(db, mini, scene)
    assert again == first
    assert not [s for s in statements if "assessment_scores" in s or "peer_records" in s]
    assert [s for s in statements if "data_versions" in s]
    # the kept rows are not the caller's to change
    again.figures.clear()
    assert compare(db, mini, scene) == first
    # another group, and another organisation's view, are read for themselves
    wider = peers.compare_with_peers(db, actor=ME, organisation_id=scene["viewer"], questionnaire=mini, own_scores={},
                                     group=peers.PeerGroup("gemeente", ("inw-20-50k", "inw-50-100k"), (2026,)))
    assert wider.n_peers == 7
    seen_by_a_peer = peers.compare_with_peers(db, actor=ME, organisation_id=scene["organisations"][0],
                                              questionnaire=mini, own_scores={}, group=GROUP)
    assert seen_by_a_peer.n_peers == 4  # not itself, and not the viewer's own peer set
    # an organisation whose member leaves is refused, also when its rows are kept
    person = member_of(db, scene["viewer"], "lid@example.org", role="lezer")
    assert peers.compare_with_peers(db, actor=person, organisation_id=scene["viewer"], questionnaire=mini,
                                    own_scores={}, group=GROUP) == first
    access.remove_member(db, actor=ME, organisation_id=scene["viewer"], email="lid@example.org")
    with pytest.raises(AccessDenied):
        peers.compare_with_peers(db, actor=person, organisation_id=scene["viewer"], questionnaire=mini,
                                 own_scores={}, group=GROUP)


def test_filling_in_a_draft_leaves_the_peer_data_stamp_alone(db, mini, scene):
    """Answers are saved all day: they must not throw away every server's kept peers (nor queue on the stamp)."""
    before = stamp(db)
    org = service.create_organisation(db, actor=ME, name="Bezig", org_type="gemeente", size_class="inw-20-50k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=mini)
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-1", value=3)
    service.save_answer(db, actor=ME, assessment_id=assessment.id, question_id="d1-2", value="nvt")
    service.update_organisation(db, actor=ME, organisation_id=org.id, name="Bezig met de scan", org_type="gemeente",
                                size_class="inw-20-50k")  # the name is not peer data
    assert stamp(db) == before
    service.finalise_assessment(db, actor=ME, assessment_id=assessment.id, questionnaire=mini)
    assert stamp(db) != before


def test_each_database_starts_with_its_own_random_stamp(tmp_path):
    first, second = Database(f"sqlite:///{tmp_path / 'a.sqlite'}"), Database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    try:
        assert len({stamp(first), stamp(second)}) == 2 and len(stamp(first)) == 32
    finally:
        first.dispose()
        second.dispose()
