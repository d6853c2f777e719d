"""A room of phones against one app server: how fast a vote reaches the projector, and what each connected
phone costs the server.

    python tests/benchmarks/bench_room.py [phones]

Starts `streamlit run app.py` (SQLite), a projector page and N phone pages in Debian's Chromium (each phone
seated, polling its ballot like a real phone). Then N votes at random moments: each is timed from its
commit in the database to the moment the projector shows it. The server's CPU time is read from /proc over
the same seconds with no phones and with N phones: the cost of one connected phone, in CPU milliseconds per
second, against the floor of an idle server with the projector open. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

from access import LOCAL_USER as ME  # noqa: E402
from assessment import service  # noqa: E402
from workshops import service as workshop  # noqa: E402
from storage.models import VoteRow  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402
from questionnaires.loader import ENV_DIR, load_questionnaire  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
WATCH = """() => { window.__counts = [];
  const seen = () => { const ring = document.querySelector('[data-voted]');
    const n = ring ? Number(ring.getAttribute('data-voted')) : -1;
    const last = window.__counts.length ? window.__counts[window.__counts.length - 1][1] : -1;
    if (n !== last) window.__counts.push([Date.now(), n]); };
  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true, attributes: true}); seen(); }"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid(port: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(command) and str(port).encode() in command:
                return int(entry.name)
    raise RuntimeError("server not found")


def cpu_rate(pid: int, seconds: float) -> float:
    start, began = cpu_seconds(pid), time.time()
    time.sleep(seconds)
    return (cpu_seconds(pid) - start) / (time.time() - began)


def main(phones: int = 30) -> None:
    mini = load_questionnaire(FIXTURES / "mini.yaml")
    with tempfile.TemporaryDirectory() as folder, running_app(Path(folder), address="0.0.0.0", new_interpreter=True,
                                                               **{ENV_DIR: str(FIXTURES)}) as (base, db):
        org = service.create_organisation(db, actor=ME, name="Zaal", org_type="gemeente", size_class="inw-lt-20k")
        assessment = service.create_assessment(db, actor=ME, organisation_id=org.id, period="2026",
                                               questionnaire=mini)
        started, token = workshop.start_workshop(db, actor=ME, assessment_id=assessment.id, questionnaire=mini,
                                                 question_ids=["d1-1"])
        workshop.open_voting(db, actor=ME, workshop_id=started.id, token=token, question_id="d1-1")
        seats = [workshop.join(db, code=started.join_code, role="other")[1] for _ in range(phones)]
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            projector = browser.new_page(viewport={"width": 1280, "height": 720})
            projector.goto(f"{base}/scherm?screen={started.projector_token}&lang=nl")
            projector.wait_for_selector("[data-voted]", timeout=60_000)
            time.sleep(3)
            floor = cpu_rate(pid, 10)
            pages = []
            for number, seat in enumerate(seats):  # another loopback address per phone: one Chromium, many hosts
                page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                page.goto(f"{base.replace('127.0.0.1', f'127.0.0.{number + 2}')}/stemmen?seat={seat}&lang=nl",
                          wait_until="commit")
                pages.append(page)
            for page in pages:
                page.wait_for_selector("[data-testid='stRadioOption']", timeout=120_000)
            time.sleep(3)
            with_phones = cpu_rate(pid, 10)
            projector.evaluate(WATCH)
            rng = random.Random(30)
            for seat in seats:  # the votes themselves straight into the service: the projector is measured
                time.sleep(rng.uniform(0.1, 0.8))
                workshop.cast_vote(db, participant_token=seat, question_id="d1-1", value=str(rng.randint(1, 5)))
            deadline = time.time() + 30
            while time.time() < deadline and projector.evaluate("window.__counts.slice(-1)[0][1]") < phones:
                time.sleep(0.2)
            shown = projector.evaluate("window.__counts")
            browser.close()
        with db.read() as session:
            committed = sorted(t.timestamp() for t in session.scalars(select(VoteRow.updated_at)))
    latencies = [next(ms / 1000 for ms, n in shown if n >= k) - commit for k, commit in enumerate(committed, 1)]
    per_phone_ms = (with_phones - floor) / phones * 1000
    print(f"room: {phones} phones polling every 2 s, the projector every 1 s, on one server process")
    print(f"  vote to projector: median {statistics.median(latencies):.2f} s, slowest {max(latencies):.2f} s "
          f"(aim: median at most 1 s, slowest at most 2 s)")
    print(f"  server CPU: floor (projector only) {floor * 1000:.0f} ms/s; with the phones {with_phones * 1000:.0f} ms/s"
          f" = {per_phone_ms:.1f} ms/s per connected phone ({with_phones / max(floor, 1e-6):.1f}x the floor)")


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
    except Exception as error:  # a benchmark reports; it does not fail the run (the tests do that)
        print(f"room: the measurement did not finish ({type(error).__name__}: {str(error)[:200]})")
