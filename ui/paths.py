"""Where each page is: its file, for `st.Page`, `st.switch_page` and `st.page_link` (the page registry that
builds the navigation from these is ui/pages.py)."""

PAGE_START = "views/start.py"
PAGE_QUESTIONNAIRE = "views/questionnaire.py"
PAGE_RESULTS = "views/results.py"
PAGE_HISTORY = "views/history.py"
PAGE_PLAN = "views/plan.py"
PAGE_KPI = "views/kpi.py"
PAGE_BENCHMARK = "views/benchmark.py"
PAGE_WORKSHOP = "views/workshop.py"
PAGE_VOTE = "views/vote.py"
PAGE_SCREEN = "views/projector.py"
PAGE_ABOUT = "views/about.py"
PAGE_MEMBERS = "views/members.py"
PAGE_SIGN_IN = "views/sign_in.py"
PAGE_RESPOND = "views/respond.py"
PAGE_RESPONDENTS = "views/respondents.py"

