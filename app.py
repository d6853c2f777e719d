"""Klantbewust: page setup and navigation only. The pages live in views/."""

import streamlit as st

from ui.common import (PAGE_ABOUT, PAGE_BENCHMARK, PAGE_HISTORY, PAGE_PLAN, PAGE_QUESTIONNAIRE, PAGE_RESULTS,
                       PAGE_SCREEN, PAGE_START, PAGE_VOTE, PAGE_WORKSHOP, language_switch, person_field, start_alias,
                       tr)

st.set_page_config(page_title="Klantbewust", page_icon=":material/hearing:", layout="wide")
language_switch()
person_field()


navigation = st.navigation([
    st.Page(PAGE_START, title=tr("nav.start"), icon=":material/home:", url_path="begin", default=True),
    st.Page(PAGE_QUESTIONNAIRE, title=tr("nav.questionnaire"), icon=":material/checklist:", url_path="vragenlijst"),
    st.Page(PAGE_RESULTS, title=tr("nav.results"), icon=":material/radar:", url_path="resultaten"),
    st.Page(PAGE_BENCHMARK, title=tr("nav.benchmark"), icon=":material/groups:", url_path="benchmark"),
    st.Page(PAGE_PLAN, title=tr("nav.plan"), icon=":material/flag:", url_path="verbeterplan"),
    st.Page(PAGE_HISTORY, title=tr("nav.history"), icon=":material/timeline:", url_path="geschiedenis"),
    st.Page(PAGE_WORKSHOP, title=tr("nav.workshop"), icon=":material/groups_3:", url_path="workshop"),
    st.Page(PAGE_VOTE, title=tr("nav.vote"), icon=":material/how_to_vote:", url_path="stemmen"),
    st.Page(PAGE_SCREEN, title=tr("nav.screen"), icon=":material/tv:", url_path="scherm"),
    st.Page(PAGE_ABOUT, title=tr("nav.about"), icon=":material/menu_book:", url_path="over"),
    st.Page(start_alias, title=tr("nav.start"), url_path="start", visibility="hidden"),
])
navigation.run()
