"""Scherm (projector): the open question in very large type, who has voted, and the outcome once revealed."""

import streamlit as st

from assessment import workshop
from ui.common import database, lang, tr
from ui.workshop_view import show_results, workshop_or_stop, workshop_questionnaire

db = database()
language = lang()
# presentation mode: no sidebar, very large type (our own fixed CSS, no user text in it)
st.html("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']{display:none}"
        "[data-testid='stMarkdownContainer'] p{font-size:1.6rem}</style>")

current = workshop_or_stop(db, st.query_params.get("w"))
questionnaire = workshop_questionnaire(db, current)


@st.fragment(run_every=2)
def screen() -> None:
    latest = workshop.get_workshop(db, workshop_id=current.id)
    question_id = latest.current_question_id
    st.markdown(f"# {tr('workshop.join_code')}: {latest.join_code}")
    if question_id is None or questionnaire is None:
        st.markdown(f"## {tr('workshop.wait')}")
        return
    state = workshop.question_states(db, workshop_id=current.id)[question_id]
    number = latest.question_ids.index(question_id) + 1
    st.markdown(f"## {tr('workshop.question_of', number=number, total=len(latest.question_ids))}")
    st.markdown(f"# {questionnaire.question(question_id).text.get(language)}")
    voted, participants = workshop.vote_count(db, workshop_id=current.id, question_id=question_id)
    st.markdown(f"## {tr('workshop.voted', voted=voted, participants=participants)} · "
                f"{tr('workshop.state_' + state.state)}")
    if state.state == "revealed":
        show_results(questionnaire, workshop.results(db, workshop_id=current.id, question_id=question_id), big=True)
    else:
        st.markdown(f"## {tr('workshop.hidden')}")


screen()
