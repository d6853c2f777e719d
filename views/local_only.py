"""Lokaal gebruik: without sign-in, a browser on another computer reaches this page, a workshop seat and a
projector screen, and nothing else (see README, "Local mode")."""

import streamlit as st

from ui.common import PAGE_VOTE, tr

st.title(tr("start.title"))
st.info(tr("access.local_only"), icon=":material/computer:")
with st.container(border=True):
    st.subheader(tr("access.participant_title"))
    st.markdown(tr("access.participant_text"))
    st.page_link(PAGE_VOTE, label=tr("access.to_vote"), icon=":material/how_to_vote:")
