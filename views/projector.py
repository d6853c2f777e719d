"""Scherm (projector): the open question in very large type, who has voted, and the outcome once revealed.

The projector's link carries the workshop's projector token (`?screen=`): it shows this screen and nothing
else, without signing in, so any computer on the beamer can show it.
"""

import streamlit as st

from assessment import workshop
from ui.common import database, lang, tr
from ui.workshop_view import screen_questionnaire, show_results

PARAM_SCREEN = "screen"
db = database()
language = lang()
# presentation mode: no sidebar, very large type (our own fixed CSS, no user text in it)
st.html("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']{display:none}"
        "[data-testid='stMarkdownContainer'] p{font-size:1.6rem}</style>")

token = st.query_params.get(PARAM_SCREEN, "")
try:
    first = workshop.screen(db, projector_token=token)
except workshop.WorkshopError as error:
    st.error(tr(f"workshop.{error.code}"))
    st.stop()
questionnaire = screen_questionnaire(first)


@st.fragment(run_every=2)
def screen() -> None:
    try:
        view = workshop.screen(db, projector_token=token)
    except workshop.WorkshopError as error:  # ended meanwhile
        st.error(tr(f"workshop.{error.code}"))
        return
    st.markdown(f"# {tr('workshop.join_code')}: {view.workshop.join_code}")
    if view.question is None or questionnaire is None:
        st.markdown(f"## {tr('workshop.wait')}")
        return
    question_ids = view.workshop.question_ids
    number = question_ids.index(view.question.question_id) + 1
    st.markdown(f"## {tr('workshop.question_of', number=number, total=len(question_ids))}")
    st.markdown(f"# {questionnaire.question(view.question.question_id).text.get(language)}")
    st.markdown(f"## {tr('workshop.voted', voted=view.voted, participants=view.participants)} · "
                f"{tr('workshop.state_' + view.question.state)}")
    if view.results is not None:
        show_results(questionnaire, view.results, big=True)
    else:
        st.markdown(f"## {tr('workshop.hidden')}")


screen()
