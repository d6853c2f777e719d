"""Klantbewust: page setup and navigation only. The pages live in views/; which pages a browser can reach
depends on who is using it (ui/identity.py)."""

import streamlit as st

from ui.language import lang, language_switch
from ui.page_meta import document_meta
from ui.pages import app_pages, run_page
from storage.db import StorageUnavailable
from ui.session import identity_sidebar, recover_by_itself, show_storage_problem
from ui.identity import current_actor
from ui.session import refuse_bad_settings

st.set_page_config(page_title="Klantbewust", page_icon=":material/hearing:", layout="wide")
language_switch()
document_meta(lang())  # <html lang> follows the chosen language
refuse_bad_settings()
try:
    actor = current_actor()
except StorageUnavailable as unavailable:  # a signed-in person is looked up in the database
    show_storage_problem(unavailable)
    recover_by_itself()
    st.stop()
identity_sidebar(actor)
# expanded: every page in the menu, never Streamlit's untranslated "View more"
run_page(st.navigation(app_pages(actor), position="sidebar" if actor else "hidden", expanded=True))
