"""The language of the interface: chosen in the sidebar, kept in the URL (so a refresh keeps it)."""

from __future__ import annotations

import streamlit as st

from i18n import DEFAULT_LANGUAGE, LANGUAGES, t

PARAM_LANGUAGE = "lang"


def lang() -> str:
    """The UI language: from the URL (so a refresh keeps it), else the session, else Dutch."""
    chosen = st.query_params.get(PARAM_LANGUAGE) or st.session_state.get("lang") or DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, **params) -> str:
    return t(key, lang(), **params)


def _on_language_change() -> None:
    chosen = "en" if st.session_state["language_switch"] == "English" else "nl"
    st.session_state["lang"] = chosen
    st.query_params[PARAM_LANGUAGE] = chosen


def language_switch() -> None:
    current = lang()
    st.session_state["lang"] = current
    if st.query_params.get(PARAM_LANGUAGE) != current:
        st.query_params[PARAM_LANGUAGE] = current
    st.session_state["language_switch"] = "English" if current == "en" else "Nederlands"
    st.sidebar.segmented_control(
        t("app.language", current), ["Nederlands", "English"], key="language_switch",
        on_change=_on_language_change,
    )
