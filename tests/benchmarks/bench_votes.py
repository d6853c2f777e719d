"""Benchmark: workshop votes per second, 100 participants voting at once through the service layer
(each vote its own checked write transaction), against a floor of plain inserts of the same number of
rows into the same SQLite database, measured in the same run. No assertion; read the numbers.

    python tests/benchmarks/bench_votes.py [votes_per_participant]
"""

import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from assessment import service  # noqa: E402
from workshops import service as workshop  # noqa: E402
from storage.db import Database  # noqa: E402
from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402
from access import LOCAL_USER as ME  # noqa: E402
from timing import on_each_engine  # noqa: E402

PARTICIPANTS = 100


def main(rounds: int = 5) -> None:
    on_each_engine(measure, "votes", rounds)


def measure(url: str, engine_name: str, rounds: int) -> None:
    questionnaire = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")
    db = Database(url)
    org = service.create_organisation(db, actor=ME, name="Bench", org_type="gemeente", size_class="inw-lt-20k")
    assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026", questionnaire=questionnaire)
    question_ids = [q.id for q in questionnaire.questions()][:rounds]
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=questionnaire,
                                             question_ids=question_ids)
    seats = [workshop.join(db, code=started.join_code, role="other")[1] for _ in range(PARTICIPANTS)]
    for qid in question_ids:
        workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=qid)

    def voter(seat):
        for i, qid in enumerate(question_ids):
            workshop.cast_vote(db, participant_token=seat, question_id=qid, value=str(1 + i % 5))

    threads = [threading.Thread(target=voter, args=(seat,)) for seat in seats]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ours = time.perf_counter() - start
    votes = PARTICIPANTS * len(question_ids)

    with db.write() as session:
        session.execute(text("CREATE TABLE plain (a TEXT, b TEXT, c INTEGER, d TEXT, e TEXT)"))
    start = time.perf_counter()
    for i in range(votes):  # one transaction per row, like one vote per request
        with db.write() as session:
            session.execute(text("INSERT INTO plain VALUES (:a, :b, 1, :d, '3')"),
                            {"a": started.id, "b": question_ids[i % len(question_ids)], "d": seats[i % 100]})
    floor = time.perf_counter() - start
    db.dispose()
    print(f"workshop votes: {votes} votes by {PARTICIPANTS} concurrent participants on {engine_name}")
    print(f"  floor (plain single-row insert transactions, one writer): {votes / floor:8.0f} votes/s")
    print(f"  cast_vote (checked, 100 writers at once): {votes / ours:8.0f} votes/s = "
          f"{ours / floor:.2f}x the floor's time")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
