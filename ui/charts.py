"""One way to show a plotly chart: readable text colours (WCAG AA contrast), the user's decimal sign, and
no plotly toolbar (its buttons are named in English only, "Download plot as a PNG", "Zoom", "Pan": plotly.js
has no Dutch without loading its locale file, which Streamlit does not; every chart has its figures next to it
as a table or text). Streamlit's chart theme draws axis labels in a light grey; ours are dark."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

TEXT_COLOUR = "#1E293B"  # 14.6:1 on white
BACKGROUND = "#FFFFFF"


def show_chart(figure: go.Figure, language: str, *, key: str | None = None) -> None:
    figure.update_layout(font_color=TEXT_COLOUR, paper_bgcolor=BACKGROUND, legend_font_color=TEXT_COLOUR,
                         separators=",." if language == "nl" else ".,")
    figure.update_xaxes(tickfont_color=TEXT_COLOUR, title_font_color=TEXT_COLOUR)
    figure.update_yaxes(tickfont_color=TEXT_COLOUR, title_font_color=TEXT_COLOUR)
    figure.update_polars(angularaxis_tickfont_color=TEXT_COLOUR, radialaxis_tickfont_color=TEXT_COLOUR,
                         bgcolor=BACKGROUND)
    st.plotly_chart(figure, width="stretch", config=CHART_CONFIG, key=key)


CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}
