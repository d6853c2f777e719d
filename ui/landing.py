"""What a browser without an actor sees on every page other than a seat or a screen: the sign-in page (with
sign-in set up) or the local-mode rule (without). Shared by views/sign_in.py, views/local_only.py and the
hidden pages that stand in for every management page's address, so such an address never ends in an
English "page not found"."""

from __future__ import annotations

import streamlit as st

from ui.language import tr
from ui.page_meta import set_page
from ui.paths import PAGE_VOTE
from ui.identity import auth_configured, sign_in, sign_in_problem


def show_landing() -> None:
    if auth_configured():
        set_page(tr("access.sign_in"))  # the browser's title says what this page is for: "Inloggen — Klantbewust"
    st.title(tr("start.title"), anchor=False)
    if auth_configured():
        st.markdown(tr("start.intro"))
        _, problem = sign_in_problem()
        if problem == "expired":
            st.warning(tr("access.session_expired"), icon=":material/schedule:")
        elif problem == "ended":
            st.info(tr("access.session_ended"), icon=":material/logout:")
        elif problem is not None:
            st.error(tr(f"access.{problem}"), icon=":material/error:")
        with st.container(border=True):
            st.header(tr("access.sign_in_title"), anchor=False)
            st.markdown(tr("access.sign_in_text"))
            st.button(tr("access.sign_in"), type="primary", icon=":material/login:", on_click=sign_in)
    else:
        st.info(tr("access.local_only"), icon=":material/computer:")
    with st.container(border=True):
        st.header(tr("access.participant_title"), anchor=False)
        st.markdown(tr("access.participant_text"))
        st.page_link(PAGE_VOTE, label=tr("access.to_vote"), icon=":material/how_to_vote:")
