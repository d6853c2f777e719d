"""A progress bar whose accessible name is what it counts ("Totaal: 12 van 53 vragen"): Streamlit's own
st.progress is named "progress" (in English) for a screen reader, whatever its text says."""

from __future__ import annotations

import html

import streamlit as st

BAR, FILL = "#E2E8F0", "#1D4ED8"  # the filled part has 6.7:1 against white, the track is decoration


def progress(fraction: float, text: str, container=None) -> None:
    """`text` is our own words and numbers (shown as text, never as HTML); `container` defaults to the page."""
    percent = round(max(0.0, min(1.0, fraction)) * 100)
    label = html.escape(text, quote=True)
    (container or st).html(
        f'<div style="font-size:0.875rem;margin-bottom:0.25rem" aria-hidden="true">{label}</div>'
        f'<div role="progressbar" aria-label="{label}" aria-valuemin="0" aria-valuemax="100" '
        f'aria-valuenow="{percent}" aria-valuetext="{label}" '
        f'style="height:0.5rem;background:{BAR};border-radius:0.25rem;overflow:hidden">'
        f'<div style="width:{percent}%;height:100%;background:{FILL}"></div></div>', width="stretch")
