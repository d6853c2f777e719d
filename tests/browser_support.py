"""What the browser tests share: the app as a real server process, Debian's Chromium, and axe-core.

The app runs with `streamlit run app.py` on a free port and its own SQLite file; Chromium is Debian's
(`/usr/bin/chromium`), driven by Playwright (Playwright's own browser download does not work here).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from storage.db import ENV_URL, Database

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KLANTBEWUST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
# a shared CI machine can be slow: a page gets 15 s (not Playwright's 5 s) before an expectation fails
expect.set_options(timeout=15_000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(folder: Path, *, port: int | None = None, address: str = "127.0.0.1", args: tuple[str, ...] = (),
                database_url: str | None = None, **env: str):
    """`streamlit run app.py` on a new SQLite database in `folder` (or on `database_url`); yields (base URL,
    Database)."""
    url = database_url or f"sqlite:///{folder / 'app.sqlite'}"
    port = port or free_port()
    environment = dict(os.environ, **{ENV_URL: url}, **env)
    log_path = folder / "streamlit.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.address", address, "--server.headless", "true", *args],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    if time.time() > deadline or process.poll() is not None:
                        raise RuntimeError("streamlit did not start: " + log_path.read_text())
                    time.sleep(0.3)
            database = Database(url)
            yield base, database
            database.dispose()
        finally:
            process.terminate()
            process.wait(timeout=20)


def write_auth_secrets(path: Path, port: int, provider) -> Path:
    """A `.streamlit/secrets.toml` that signs in with `provider` (tests.oidc_provider) for an app on `port`."""
    path.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "test-cookie-secret-{port}-0123456789abcdef"
client_id = "{provider.client_id}"
client_secret = "{provider.client_secret}"
server_metadata_url = "{provider.issuer}/.well-known/openid-configuration"
""", encoding="utf-8")
    return path


def sign_in(page, base: str, email: str, password: str) -> None:
    """Sign in as a person does: the app's button, the provider's form, and back."""
    page.goto(base)
    page.get_by_role("button", name=re.compile("^(Inloggen|Sign in)$")).click()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/?(\?.*)?$"), timeout=30_000)
    wait_idle(page)


def wait_idle(page, timeout: float = 30_000, start_within: float = 1_000) -> None:
    """Wait until the page's script run is over (after a click that makes the app run again). The run starts
    when the server says so, which on a busy machine takes a while: first wait for it to start (at most
    `start_within` ms, as some actions start no run, and a short run may be over before we look), then for it
    to end."""
    try:
        page.wait_for_selector(RUNNING, timeout=start_within)
    except PlaywrightTimeout:
        pass
    page.wait_for_selector(IDLE, timeout=timeout)


def check_workbook(page, base: str, assessment_id: str, path) -> None:
    """On the Resultaten page (in Dutch): open "Werkboek terugzetten", choose the file and have it checked."""
    page.goto(f"{base}/resultaten?a={assessment_id}&lang=nl")
    expander = page.get_by_text("Werkboek terugzetten", exact=True)
    expect(expander).to_be_visible(timeout=30_000)
    wait_idle(page)
    expander.click()
    page.locator("input[type=file]").set_input_files(str(path))
    check = page.get_by_role("button", name="Werkboek controleren")
    expect(check).to_be_visible(timeout=30_000)
    wait_idle(page)
    check.click()


def axe_violations(page) -> list[str]:
    """WCAG 2.0/2.1 A and AA violations on the page as axe-core finds them, one line per rule and element."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']}: {node['target']} {node.get('failureSummary', '')}"
            for v in results.response["violations"] for node in v["nodes"]]


# For a text in a plotly chart (SVG): its fill colour and every background fill of that chart.
_CHART_TEXT_COLOURS = """(selector) => {
  const text = document.querySelector(selector);
  const chart = text && text.closest('.js-plotly-plot');
  if (!chart) return null;
  const backgrounds = [getComputedStyle(chart.querySelector('.main-svg')).backgroundColor];
  chart.querySelectorAll('.bg, .bglayer rect, .polar .bg').forEach(e => backgrounds.push(getComputedStyle(e).fill));
  return {fill: getComputedStyle(text).fill, size: parseFloat(getComputedStyle(text).fontSize),
          backgrounds: backgrounds.filter(c => c && c !== 'none' && c !== 'rgba(0, 0, 0, 0)')};
}"""


def _luminance(rgb: str) -> float:
    channels = [int(float(v)) / 255 for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def unresolved_contrast(page) -> list[str]:
    """Colour-contrast items axe marks "needs review", after deciding the ones it cannot: axe cannot see
    behind the text of an SVG chart, so for chart text the contrast is computed here against every
    background of that chart (WCAG AA: 4.5:1, or 3:1 from 24 px). What is left needs a human."""
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]},
                                       "resultTypes": ["incomplete"]})
    left = []
    for node in (n for v in results.response["incomplete"] for n in v["nodes"]):
        selector = node["target"][-1]
        colours = page.evaluate(_CHART_TEXT_COLOURS, selector)
        if colours is None or not colours["backgrounds"]:
            left.append(f"{node['target']}: {node['html'][:80]}")
            continue
        needed = 3.0 if colours["size"] >= 24 else 4.5
        worst = min(contrast_ratio(colours["fill"], bg) for bg in colours["backgrounds"])
        if worst < needed:
            left.append(f"{node['target']}: chart text {colours['fill']} has contrast {worst:.2f} < {needed}")
    return left
