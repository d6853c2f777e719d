"""Benchmark: does a page get slower as the database grows? One organisation's pages with 10 organisations in
the database and with 10,000 (over a million answers).

Builds two SQLite databases through the project's migrations. Both hold the same organisation (three years of
the zelfscan, an improvement plan, a KPI register, the demo peer set, a running workshop with votes), made
through the service layer; the others are bulk-inserted (`bulk.py`): each with three assessments (two final,
with their stored scores, one draft), every question answered, targets, plan actions, activity, a member, a
KPI register with values and, for one in ten, a workshop with votes. 55% of them are gemeenten, as the
organisation is, and 70% share their scores, so the Benchmark page's widest group (every size class, ten years)
holds some 7,800 peer organisation-years in the large database and under 200 in the small one.

Then each page of that organisation runs in Streamlit's AppTest, as in the tests (local mode), and the rerun
of the page (the same AppTest run again, best of several, the two databases' tabs taking turns) is timed.
Printed: the ratio large / small per page. Aim: at most 1.5x. No assertion; read the ratios.

    python tests/benchmarks/bench_growth.py [organisations]
"""

import gc
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit.testing.v1 import AppTest  # noqa: E402

from access import LOCAL_USER as ME  # noqa: E402
from assessment import service  # noqa: E402
from workshops import service as workshop  # noqa: E402
from storage.db import ENV_URL, Database  # noqa: E402
from bulk import add_organisations  # noqa: E402
from demo_organisation import build as build_demo_organisation  # noqa: E402
from questionnaires.loader import DEFAULT_DIR, load_questionnaire  # noqa: E402

APP = str(ROOT / "app.py")
RUNS = 7


def build(url: str, organisations: int) -> dict:
    """The database: the organisation whose pages are timed, and `organisations - 1` others."""
    questionnaire = load_questionnaire(DEFAULT_DIR / "klantbewustzijn-zelfscan-1.0.yaml")
    db = Database(url)
    draft_id = build_demo_organisation(db)
    draft = service.get_assessment(db, draft_id, actor=ME)
    first = questionnaire.dimensions()[0]
    started, token = workshop.start_workshop(db, actor=ME, assessment_id=draft_id, questionnaire=questionnaire,
                                             question_ids=[q.id for q in first.questions])
    seats = [workshop.join(db, code=started.join_code, role="frontoffice")[1] for _ in range(12)]
    workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id=first.questions[0].id)
    for i, seat in enumerate(seats):
        workshop.cast_vote(db, participant_token=seat, question_id=first.questions[0].id, value=str(1 + i % 4))
    counts = add_organisations(db, questionnaire, organisations - 1, years=(2024, 2025, 2026),
                               final_years=(2024, 2025))
    db.dispose()
    return {"organisation": draft.organisation_id, "draft": draft_id, "dimension": first.id,
            "workshop": started.id, "token": token, "counts": counts}


def widest_group(at: AppTest) -> None:
    """The Benchmark page's widest peer group: every size class, the last ten years."""
    at.session_state["bench_sizes_gemeente"] = list(service.SIZE_CLASSES["gemeente"])
    at.session_state["bench_years"] = 10


def pages(ids: dict) -> list[tuple[str, str | None, dict, object]]:
    a = ids["draft"]
    return [("Start", None, {"org": str(ids["organisation"])}, None),
            ("Vragenlijst", "views/questionnaire.py", {"a": a, "dim": ids["dimension"]}, None),
            ("Resultaten", "views/results.py", {"a": a}, None),
            ("Benchmark (widest group)", "views/benchmark.py", {"a": a}, widest_group),
            ("Verbeterplan", "views/plan.py", {"a": a}, None),
            ("Geschiedenis", "views/history.py", {"a": a}, None),
            ("Workshop", "views/workshop.py", {"a": a, "w": ids["workshop"], "ft": ids["token"]}, None)]


def opened(url: str, page: str | None, params: dict, setup) -> AppTest:
    """A tab opened on the page, run until its caches and session state are filled."""
    os.environ[ENV_URL] = url
    at = AppTest.from_file(APP, default_timeout=300)
    for key, value in dict(params, lang="nl").items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    if setup:
        setup(at)
    at.run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    return at


def rerun_times(tabs: list[tuple[str, AppTest]]) -> list[float]:
    """The best rerun of each tab (URL, AppTest); the tabs take turns, so that a busy moment of the machine
    does not fall on one of them only."""
    best = [float("inf")] * len(tabs)
    for _ in range(RUNS):
        for i, (url, at) in enumerate(tabs):
            os.environ[ENV_URL] = url  # the app reads it on every run
            start = time.perf_counter()
            at.run()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def main(organisations: int = 10_000) -> None:
    # AppTest outside `streamlit run` warns on every run that there is no script context: not news here
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.state.session_state_proxy"):
        logging.getLogger(name).disabled = True
    with tempfile.TemporaryDirectory() as folder:
        small_url, large_url = f"sqlite:///{folder}/small.sqlite", f"sqlite:///{folder}/large.sqlite"
        start = time.perf_counter()
        small = build(small_url, 10)
        large = build(large_url, organisations)
        built = time.perf_counter() - start
        gc.collect()  # the bulk insert leaves garbage behind: collect it before timing anything
        counts = large["counts"]
        print(f"growth: the pages of one organisation with 10 and with {organisations:,} organisations in the "
              f"database (databases built in {built:.0f} s); AppTest rerun, best of {RUNS}")
        print("  the large one also holds " + ", ".join(f"{v:,} {k}" for k, v in counts.items() if v))
        for (name, page, small_params, setup), (_, _, large_params, _) in zip(pages(small), pages(large)):
            small_time, large_time = rerun_times([(small_url, opened(small_url, page, small_params, setup)),
                                                  (large_url, opened(large_url, page, large_params, setup))])
            print(f"  {name:<26} {small_time * 1000:7.0f} ms -> {large_time * 1000:7.0f} ms = "
                  f"{large_time / small_time:5.2f}x (aim: at most 1.5x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
