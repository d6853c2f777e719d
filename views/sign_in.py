"""Inloggen: the page everyone who is not signed in reaches (when sign-in is set up). Participants of a
workshop do not sign in: they go to the vote page with the code."""

import streamlit as st

from ui.common import PAGE_VOTE, tr
from ui.identity import session_expired, sign_in

st.title(tr("start.title"))
st.markdown(tr("start.intro"))
if session_expired():
    st.warning(tr("access.session_expired"), icon=":material/schedule:")
elif st.user.is_logged_in and not st.user.get("email"):
    st.error(tr("access.no_email"), icon=":material/error:")
with st.container(border=True):
    st.subheader(tr("access.sign_in_title"))
    st.markdown(tr("access.sign_in_text"))
    st.button(tr("access.sign_in"), type="primary", icon=":material/login:", on_click=sign_in)
with st.container(border=True):
    st.subheader(tr("access.participant_title"))
    st.markdown(tr("access.participant_text"))
    st.page_link(PAGE_VOTE, label=tr("access.to_vote"), icon=":material/how_to_vote:")
