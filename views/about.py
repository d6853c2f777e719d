"""Over de methode: what the scan is based on, how scores are made, and what it is not."""

import streamlit as st

from i18n import format_percent
from i18n import format_number
from scoring.agreement import HIGH_AGREEMENT, HIGH_DISAGREEMENT
from scoring.peers import DEFAULT_MIN_GROUP
from ui.language import lang, tr
from ui.session import catalog

language = lang()
st.title(tr("about.title"), anchor=False)
for questionnaire in catalog().questionnaires.values():
    st.header(tr("start.questionnaire_option", title=questionnaire.title.get(language),
                    version=questionnaire.version), anchor=False)
    st.markdown(questionnaire.description.get(language))
    st.info(questionnaire.basis.get(language), icon=":material/info:")
    st.markdown(tr("about.rules", threshold=format_percent(questionnaire.scoring.min_coverage, language),
                   rule=tr(f"rule.{questionnaire.scoring.stage_rule}")))
    st.markdown(f"**{tr('about.levels')}**")
    for level in questionnaire.scale.levels:
        st.markdown(f"- **{level.level} · {level.label.get(language)}**: {level.description.get(language)}")
    st.markdown(f"**{tr('about.frameworks')}**")
    for framework in questionnaire.frameworks:
        items = ", ".join(item.title.get(language) for item in framework.items)
        st.markdown(f"- {framework.title.get(language)}: {items}")
st.header(tr("about.scores_title"), anchor=False)
st.markdown(tr("export.scoring_text"))
thresholds = {q.scoring.min_coverage for q in catalog().questionnaires.values()}
st.markdown(tr("about.coverage", threshold=format_percent(thresholds.pop(), language) if len(thresholds) == 1
               else tr("about.threshold_per_questionnaire")))
st.markdown(tr("about.stages"))
st.markdown(tr("about.rounding"))
st.header(tr("about.peers_title"), anchor=False)
st.markdown(tr("about.peers", min=DEFAULT_MIN_GROUP))
st.markdown(tr("about.position"))
st.markdown(tr("about.quartiles"))
st.header(tr("about.kpi_title"), anchor=False)
st.markdown(tr("export.kpi_method"))
st.markdown(tr("about.kpi_peers", min=DEFAULT_MIN_GROUP))
st.header(tr("about.workshop_title"), anchor=False)
st.markdown(tr("about.workshop", threshold=format_number(HIGH_DISAGREEMENT, language)))
st.markdown(tr("about.workshop_words", high=format_number(HIGH_AGREEMENT, language),
               split=format_number(HIGH_DISAGREEMENT, language)))
