"""The legal minimum on a page: one line in words, then each requirement that is not met or not known, by name.
Shown apart from the maturity scores, never averaged with them."""

import streamlit as st

from questionnaires.model import Questionnaire
from scoring.legal import LegalCheck, requirement_text, summary_text
from ui.language import tr
from ui.safe_text import escape_md


def show_legal_minimum(questionnaire: Questionnaire, legal: LegalCheck, language: str) -> None:
    minimum = questionnaire.legal_minimum
    with st.container(border=True):
        st.header(minimum.title.get(language), anchor=False)
        summary = escape_md(summary_text(legal, language))
        if legal.not_met:
            st.error(summary, icon=":material/gavel:")
        elif legal.unknown or legal.open:
            st.warning(summary, icon=":material/help:")
        else:
            st.success(summary, icon=":material/check_circle:")
        for label, results in ((tr("legal.not_met_title"), legal.not_met), (tr("legal.unknown_title"), legal.unknown)):
            if results:
                st.markdown(f"**{label}**")
                for outcome in results:
                    st.markdown(f"- **{escape_md(requirement_text(outcome.item, language))}**: "
                                f"{escape_md(outcome.item.text.get(language))}")
        st.caption(tr("legal.not_averaged"))
