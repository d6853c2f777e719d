"""What the browser tests share: the app as a real server process, Debian's Chromium, and axe-core.

The app runs with `streamlit run app.py` on a free port and its own SQLite file; Chromium is Debian's, driven
by Playwright (Playwright's own browser download does not work here): its headless shell
(`chromium-headless-shell`, the same Chromium without the desktop browser around it), or `/usr/bin/chromium`
where only that is installed; with one renderer process per site (`--process-per-site`: a second tab of the
app does not start a new process). The README's Tests section has what that saves.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import app_process
from axe_playwright_python.base import AXE_SCRIPT as _AXE_SCRIPT
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from storage.db import ENV_URL, Database
from conftest import migrated_sqlite

ROOT = Path(__file__).resolve().parent.parent
_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get("KLANTBEWUST_CHROMIUM") or (_SHELL if os.path.exists(_SHELL) else "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--process-per-site",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
# a shared CI machine can be slow: a page gets 30 s (not Playwright's 5 s) before an expectation fails; waits
# are for a condition, so a fast machine does not wait longer
expect.set_options(timeout=30_000)
# how often (ms) a `wait_for_function` checks its condition. Playwright's default checks on every animation frame,
# and asking for frames makes the browser draw 60 of them a second for as long as the wait lasts; a timer does
# not. Measured alone, in pairs: the room and accessibility files took 4-7% fewer CPU seconds and were no slower;
# first hour, KPI file and legal files the same either way
POLL = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(folder: Path, *, port: int | None = None, address: str = "127.0.0.1", args: tuple[str, ...] = (),
                database_url: str | None = None, new_interpreter: bool = False, **env: str):
    """`streamlit run app.py` on a new SQLite database in `folder` (or on `database_url`); yields (base URL,
    Database). Without a given port it takes a free one, and another if a parallel test took that one first.
    The server is forked from a process that has imported Streamlit and the app's libraries (`app_process`);
    `new_interpreter` starts it as the README does, `python -m streamlit run app.py`."""
    if not (database_url or new_interpreter or (folder / "app.sqlite").exists()):
        migrated_sqlite(folder / "app.sqlite")  # as the app leaves it on its first start, without the CPU time
    url = database_url or f"sqlite:///{folder / 'app.sqlite'}"
    environment = dict(os.environ, **{ENV_URL: url}, **env)
    log_path = folder / "streamlit.log"
    for attempt in range(1 if port else 5):
        chosen = port or free_port()
        arguments = ["run", str(ROOT / "app.py"), "--server.port", str(chosen), "--server.address", address,
                     "--server.headless", "true", *args]
        if new_interpreter:
            with open(log_path, "w") as log:
                process = subprocess.Popen([sys.executable, "-m", "streamlit", *arguments], cwd=ROOT,
                                           env=environment, stdout=log, stderr=subprocess.STDOUT)
        else:
            process = app_process.start(arguments, environment, str(ROOT), str(log_path))
        base = f"http://127.0.0.1:{chosen}"
        try:
            if _serving(base, process):
                database = Database(url)
                yield base, database
                database.dispose()
                return
        finally:
            process.terminate()
            process.wait(timeout=60)
        if not re.search("not available|already in use", _log_text(log_path)):  # not a port taken meanwhile
            break
    raise RuntimeError("streamlit did not start: " + _log_text(log_path))


def _log_text(log_path: Path) -> str:
    """The server's log; a forked server that ended before it opened its log wrote to this test's output."""
    if log_path.exists():
        return log_path.read_text()
    return "(no log: the process ended before it began; see the captured stderr of this test)"


def _serving(base: str, process: subprocess.Popen | app_process.AppProcess, within: float = 120) -> bool:
    """Whether the server answers its health check (False once the process has ended without serving)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=5).read() == b"ok":
                return True
        except OSError:
            time.sleep(0.2)  # poll again: the server is still starting
    return False


@contextmanager
def from_another_computer(base: str, address: str):
    """A reverse proxy on this computer in front of the app at `base`, as a deployment has one (nginx, a load
    balancer): it passes every byte on both ways and adds `X-Forwarded-For: address` to each request, the
    WebSocket's handshake too. Yields the proxy's base URL: a browser that goes there is, to the app, a browser
    on the computer at `address`. (Not the browser's own extra headers: Chromium 150 no longer sends those with
    a WebSocket handshake, and the app learns who is connected from that handshake.)"""
    target = urlsplit(base)
    listener = socket.create_server(("127.0.0.1", 0))
    connections: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the proxy was closed
                return
            try:
                upstream = socket.create_connection((target.hostname, target.port), timeout=30)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            connections.extend((client, upstream))
            threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
            threading.Thread(target=_forward_requests, args=(client, upstream, address), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for connection in connections:
            _close(connection)


def _forward_requests(client: socket.socket, upstream: socket.socket, address: str) -> None:
    """Requests from the browser to the app, one by one, each with the forwarded-for header (any the browser sent
    itself is dropped); after a WebSocket handshake, or a body sent in chunks, the bytes as they come."""
    buffer = b""
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = client.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"x-forwarded-for:")]
            lines.insert(1, b"X-Forwarded-For: " + address.encode())
            upstream.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
            fields = {name.strip().lower(): value.strip() for name, _, value in (line.partition(b":")
                                                                                 for line in lines[1:])}
            if b"upgrade" in fields or b"transfer-encoding" in fields:
                upstream.sendall(buffer)
                _pipe(client, upstream)
                return
            length = int(fields.get(b"content-length", b"0"))
            while len(buffer) < length:
                chunk = client.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            upstream.sendall(buffer[:length])
            buffer = buffer[length:]
    except OSError:
        pass
    finally:
        _close(client)
        _close(upstream)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()


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


def sign_in(page, base: str, email: str, password: str, *, from_here: bool = False) -> None:
    """Sign in as a person does: the app's button, the provider's form, and back. The app is opened at `base`
    first, unless `from_here`: the page already shows the app with its sign-in button."""
    if not from_here:
        page.goto(base)
    page.get_by_role("button", name=re.compile("^(Inloggen|Sign in)$")).click()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/?(\?.*)?$"), timeout=60_000)
    wait_idle(page)


# What happens between the page and the app, counted in the page (installed in every page of `launch_chromium`'s
# browser), so that `wait_idle` knows instead of guessing from the clock:
# - a run the page asked for: a message it sends (Streamlit's BackMsg, protobuf) asking for a rerun (field 11,
#   first byte 0x5A) or for an upload that ends in one (field 16, bytes 0x82 0x01); known in the browser the
#   moment a click or a key has been handled, however busy the server is;
# - a run that ended: a message it receives (ForwardMsg) with `script_finished` (field 6), other than "stopped
#   early for a rerun" (2);
# - a change of the app's script state (a run started or ended), for a page that has asked nothing.
RUN_COUNTER = """(() => {
  window.__kbActivity = 0;  // changes of the app's script state
  window.__kbMark = 0;      // that count when a test last saw the page idle
  window.__kbAsked = 0;     // runs the page asked for
  window.__kbAskedMark = 0;
  window.__kbLastAsk = -1;  // when (performance.now()) it last asked for one
  window.__kbLastEnd = -1;  // when the app last said a run had ended
  window.__kbLastPageEnd = -1;  // ... a run of the whole page (not of a fragment: status 3) had ended
  window.__kbHold = false;  // while true, the runs the page asks for wait (`held_still`), in order
  window.__kbHeld = [];
  window.__kbRelease = () => {
    window.__kbHold = false;
    for (const [socket, data] of window.__kbHeld.splice(0)) socket.send(data);
  };
  new MutationObserver(records => {
    for (const r of records) {
      if (r.oldValue !== r.target.getAttribute('data-test-script-state')) window.__kbActivity++;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  const bytesOf = data => data instanceof ArrayBuffer ? new Uint8Array(data)
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  const finishedStatus = bytes => {  // the value of field 6 (varint), or -1
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, b;
      do { b = bytes[i++]; value += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80 && i < bytes.length);
      return value;
    };
    while (i < bytes.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
      if (field === 6 && wire === 0) return varint();
      if (wire === 0) varint();
      else if (wire === 2) { const length = varint(); i += length; }  // not `i += varint()`: i is read first
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4; else return -1;
    }
    return -1;
  };
  const received = bytes => {
    const status = bytes ? finishedStatus(bytes) : -1;
    if (status >= 0 && status !== 2) window.__kbLastEnd = performance.now();
    if (status === 0 || status === 1) window.__kbLastPageEnd = performance.now();
  };
  const decoder = new TextDecoder();
  window.__kbLastRerunText = '';
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const bytes = bytesOf(data);
    if (bytes && (bytes[0] === 0x5A || (bytes[0] === 0x82 && bytes[1] === 0x01))) {
      if (window.__kbHold) { window.__kbHeld.push([this, data]); return; }  // sent on release
      window.__kbAsked++;
      window.__kbLastAsk = performance.now();
      // a rerun's widget states, as text (a chosen file's name is in them); not the ask for upload addresses
      if (bytes[0] === 0x5A) window.__kbLastRerunText = decoder.decode(bytes);
    }
    return send.call(this, data);
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        if (event.data instanceof Blob) event.data.arrayBuffer().then(b => received(new Uint8Array(b)));
        else received(bytesOf(event.data));
      });
    }
  };
})();"""
# something since the mark: the page asked for a run, or a run started or ended; or, in a page not yet marked
# (just loaded), its first run is over ("notRunning" comes only after a run, the state before the first being
# "initial")
_SOMETHING_SINCE_MARK = f"""() => window.__kbActivity === undefined || window.__kbAsked > window.__kbAskedMark ||
  window.__kbActivity > window.__kbMark || (!window.__kbMarked && document.querySelector("{IDLE}") !== null)"""
# every run asked for since the mark has been answered: a run ended after the last ask
_ANSWERED = """() => window.__kbAsked === undefined || window.__kbAsked === window.__kbAskedMark ||
  window.__kbLastEnd > window.__kbLastAsk"""
_SETTLED = """() => !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]') &&
  document.getAnimations().every(a => a.playState !== 'running' ||
                                      a.effect.getComputedTiming().endTime === Infinity)"""


class CountingBrowser:
    """A Playwright browser whose every context counts the app's runs (`RUN_COUNTER`)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(RUN_COUNTER)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)


def launch_chromium(playwright) -> CountingBrowser:
    return CountingBrowser(playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))


def wait_idle(page, timeout: float = 60_000, start_within: float = 3_000) -> None:
    """Wait until the app has answered the last action and is idle again. A click or a key that asks for a run
    asks while the browser handles it, so the ask is counted (`RUN_COUNTER`) before this is called; wait up to
    `start_within` for an ask that comes later (or for a run to start), then, however long the busy server
    takes, for a run that ended after the last ask, then for the page to be idle. Only an action that asks for
    nothing costs `start_within`; pass 0 where nothing can ask later. (Without a counter in the page, it only
    waits for the page to be idle.)"""
    if start_within:
        try:
            page.wait_for_function(_SOMETHING_SINCE_MARK, timeout=start_within, polling=POLL)
        except PlaywrightTimeout:
            if os.environ.get("KB_WAIT_LOG"):  # where a wait found nothing to wait for
                import traceback
                with open(os.environ["KB_WAIT_LOG"], "a") as log:
                    log.write("".join(traceback.format_stack(limit=6)[:-1]) + "----\n")
    page.wait_for_function(_ANSWERED, timeout=timeout, polling=POLL)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.evaluate("""() => { window.__kbMark = window.__kbActivity; window.__kbAskedMark = window.__kbAsked;
                             window.__kbMarked = true; }""")


def fill_and_leave(page, field, value: str) -> None:
    """Type `value` into a text or number field of the page (not one in a form) and leave it, as a person does
    before the next click: the app gets the value (a run), and the test waits for that run to end. A click made
    while leaving the field can be lost, as the page is redrawn under the pointer (Streamlit issue 8725)."""
    if field.input_value() == value:  # nothing to change: leaving the field asks the app for nothing
        return
    field.fill(value)
    field.press("Tab")
    wait_idle(page)


def eventually(read, within: float = 60):
    """`read()` once it gives something (a non-empty result), polling until `within` seconds have passed: for
    what a test checks in the database after the page has sent it."""
    deadline = time.monotonic() + within
    while not (result := read()) and time.monotonic() < deadline:
        time.sleep(0.1)  # poll again: the app is still writing
    return result


def wait_settled(page, timeout: float = 60_000) -> None:
    """Idle, and nothing on the page is still fading in or loading (elements of the run before are drawn
    lighter for a moment): what axe or a screenshot sees now is what a person sees."""
    wait_idle(page, timeout=timeout, start_within=0)
    page.wait_for_function(_SETTLED, timeout=timeout, polling=POLL)


def navigate(page, address: str, timeout: float = 60_000) -> None:
    """Go to `address` (a page of the app, with its query) in this tab as a link within the app goes there, and
    as the browser's back and forward buttons do: the app in the tab stays loaded and runs the new page in the
    session it has (no new load of the app's scripts, which costs the browser about twice as much). Waits for a
    run of the whole page that ended after the move (a part that refreshes itself does not count), then until
    the page is settled (`wait_settled`)."""
    moved = page.evaluate("""url => { history.pushState(null, '', url);
                                      window.dispatchEvent(new PopStateEvent('popstate'));
                                      return performance.now(); }""", address)
    page.wait_for_function("moved => window.__kbLastPageEnd > moved", arg=moved, timeout=timeout, polling=POLL)
    wait_settled(page, timeout=timeout)


def check_workbook(page, base: str, assessment_id: str, path) -> None:
    """On the Resultaten page (in Dutch): open "Werkboek terugzetten", choose the file and have it checked."""
    page.goto(f"{base}/resultaten?a={assessment_id}&lang=nl")
    expander = page.get_by_text("Werkboek terugzetten", exact=True)
    expect(expander).to_be_visible(timeout=30_000)
    wait_idle(page)
    expander.click()
    choose_files(page, str(path))
    page.get_by_role("button", name="Werkboek controleren").click()


def choose_files(page, files, field=None) -> None:
    """Choose `files` in the page's file uploader (or in `field`) as a person does, and wait until the app has
    run with them, on a settled page: a click while the upload or its run is still going can be lost (round 3 of
    a stress run). A file chosen where one was already (a second file in the same place) replaces it in steps
    (the old one removed, the new one uploaded; round 8 of a later stress run clicked between them), so the wait
    is for a run asked for with the new files' names in it (the widget states of every rerun the page asks for
    carry the names of the files its uploaders hold), then for that run to end and their chips. The files are
    chosen on a settled page: an uploader the app redraws while it uploads can drop the file without a word
    (no chip, no run; CI once, after opening an expander that asks for a run)."""
    chosen = files if isinstance(files, list) else [files]
    names = [f["name"] if isinstance(f, dict) else Path(f).name for f in chosen]
    wait_settled(page)
    asked = page.evaluate("() => window.__kbAsked")
    (field or page.locator("input[type=file]")).set_input_files(files)
    try:
        page.wait_for_function("""([asked, names]) => window.__kbAsked > asked &&
                                                      names.every(name => window.__kbLastRerunText.includes(name))""",
                               arg=[asked, names], timeout=60_000, polling=POLL)
    except PlaywrightTimeout:
        raise AssertionError(f"the app never ran with {names} (asked before: {asked}): "
                             + str(page.evaluate(_UPLOADER_FACTS, names))) from None
    wait_idle(page, start_within=0)
    expect(page.get_by_test_id("stFileChipDeleteBtn").first).to_be_visible(timeout=60_000)  # its chip (a long
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0, timeout=60_000)  # name is shortened)
    wait_settled(page)


# what a file uploader shows and what the page sent, for a choice of files the app never ran with
_UPLOADER_FACTS = """names => ({
  asked: window.__kbAsked, lastAsk: window.__kbLastAsk, lastEnd: window.__kbLastEnd, now: performance.now(),
  namesInLastRerun: names.map(name => window.__kbLastRerunText.includes(name)),
  state: document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState,
  uploaders: [...document.querySelectorAll('[data-testid="stFileUploader"]')].map(u => ({
    text: u.innerText.slice(0, 300), disabled: u.querySelector('input[type=file]')?.disabled,
    chosen: u.querySelector('input[type=file]')?.files?.length}))})"""


@contextmanager
def held_still(page):
    """The page settled and kept still: the runs it asks for meanwhile (a part that refreshes itself every second
    or two, as the projector and its control strip do) wait until the block ends, and are then sent in order.
    For axe: a part the app is redrawing is drawn lighter for a moment, which is not what a person reads."""
    wait_settled(page)
    page.evaluate("() => { if (window.__kbHeld) window.__kbHold = true; }")
    try:
        wait_settled(page)  # a run that began before the hold has ended
        yield
    finally:
        page.evaluate("() => window.__kbRelease && window.__kbRelease()")


def _run_axe(page, options: dict) -> dict:
    """axe-core's findings on the page (its violations and what it leaves for review). axe-core (570 KB of script)
    is put into a page once per document: a second check of a page the app moved to within itself does not
    parse it again (0.1 CPU second a check)."""
    if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(_AXE_SCRIPT)
    return page.evaluate("""options => axe.run(document, options).then(
        found => ({violations: found.violations, incomplete: found.incomplete}))""", options)


def axe_violations(page) -> list[str]:
    """WCAG 2.0/2.1 A and AA violations on the page as axe-core finds them, one line per rule and element, on the
    page settled and held still (`held_still`)."""
    with held_still(page):
        results = _run_axe(page, {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {node['target']} {node.get('failureSummary', '')}"
            for v in results["violations"] for node in v["nodes"]]


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
    with held_still(page):
        results = _run_axe(page, {"runOnly": {"type": "rule", "values": ["color-contrast"]},
                                  "resultTypes": ["incomplete"]})
    left = []
    for node in (n for v in results["incomplete"] for n in v["nodes"]):
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
