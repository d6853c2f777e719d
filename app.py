"""Klantbewust: page setup and navigation only. The pages live in views/; which pages a browser can reach
depends on who is using it (ui/identity.py)."""

import streamlit as st

from ui.language import language_switch
from ui.pages import app_pages, run_page
from ui.session import identity_sidebar
from ui.identity import current_actor

st.set_page_config(page_title="Klantbewust", page_icon=":material/hearing:", layout="wide")
actor = current_actor()
language_switch()
identity_sidebar(actor)
# expanded: every page in the menu, never Streamlit's untranslated "View more"
run_page(st.navigation(app_pages(actor), position="sidebar" if actor else "hidden", expanded=True))
