"""Headless screenshots of the app's pages (Debian's Chromium via Playwright), for looking at what we build.

    python tools/screenshots.py http://localhost:8501 out/ "start?lang=nl" "vragenlijst?a=...&lang=en" ...

Each path is shot at laptop (1366 px) and projector (1920 px) width; SHOT_WIDTHS=laptop,phone chooses others
(phone: 390 px, beamer: 1280 px).
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# tall: Streamlit scrolls inside the page, so a tall window shows the whole page
WIDTHS = {"laptop": (1366, 2600), "projector": (1920, 2600), "phone": (390, 3000), "beamer": (1280, 2600)}


def main(base: str, out: str, paths: list[str]) -> None:
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        chosen = os.environ.get("SHOT_WIDTHS", "laptop,projector").split(",")
        for name, (width, height) in ((n, WIDTHS[n]) for n in chosen):
            page = browser.new_page(viewport={"width": width, "height": height})
            for path in paths:
                page.goto(f"{base}/{path}")
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                                       timeout=60_000)
                page.wait_for_timeout(int(os.environ.get("SHOT_WAIT_MS", "3000")))
                slug = path.replace("?", "_").replace("&", "_").replace("=", "-")[:60]
                page.screenshot(path=f"{out}/{slug}_{name}.png", full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
