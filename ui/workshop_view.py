"""Drawing helpers shared by the workshop pages (facilitator and projector)."""

from __future__ import annotations

import html
import os
import re
import socket
import threading
import time
from urllib.parse import quote, urlparse

import segno
import plotly.graph_objects as go
import streamlit as st

from access import AccessDenied
from workshops import service as workshop
from i18n import format_number
from questionnaires.model import Questionnaire
from scoring.legal import LEGAL_PREFIX, is_legal_key, legal_key
from ui.charts import show_chart
from ui.language import lang, tr
from ui.safe_text import escape_md
from ui.session import attempt, catalog

VALUE_ORDER = ("1", "2", "3", "4", "5", "nvt", "weetniet")
LEGAL_GROUP = LEGAL_PREFIX  # the legal minimum as one group in the workshop's choice of parts (no part id has ":")
# the bars of a legal item: ja, nee, weet niet (each at least 3:1 against the track and white)
LEGAL_COLOURS = {"ja": "#15803D", "nee": "#B91C1C", "weetniet": "#64748B"}


def is_legal(question_id: str) -> bool:
    return is_legal_key(question_id)


def legal_item_of(questionnaire: Questionnaire, question_id: str):
    return questionnaire.legal_item(question_id[len(LEGAL_PREFIX):])


def item_text(questionnaire: Questionnaire, question_id: str, language: str) -> str:
    """The text of a question, or of a legal item with its article first ("9:7 · Behandelt iemand ...?")."""
    if is_legal(question_id):
        item = legal_item_of(questionnaire, question_id)
        return f"{item.article} · {item.text.get(language)}"
    return questionnaire.question(question_id).text.get(language)


def item_help(questionnaire: Questionnaire, question_id: str, language: str) -> str:
    if is_legal(question_id):
        return legal_item_of(questionnaire, question_id).help.get(language)
    return questionnaire.question(question_id).help.get(language)


def legal_keys(questionnaire: Questionnaire) -> list[str]:
    return [legal_key(item.id) for item in questionnaire.legal_items()]


def workshop_or_stop(db, actor, workshop_id: str | None, token: str | None, assessment_id: str) -> workshop.Workshop:
    """The workshop of the facilitator's link, or a clear message and stop: a wrong token, someone without the
    workshop right, or a workshop of another assessment than the one in the link shows nothing of it."""
    if not workshop_id:
        st.info(tr("workshop.no_workshop"))
        st.stop()
    try:
        found = workshop.get_workshop(db, actor=actor, workshop_id=workshop_id, token=token or "")
    except workshop.WorkshopError as error:
        st.error(tr(f"workshop.{error.code}"))
        st.stop()
    except AccessDenied:
        st.error(tr("workshop.not_facilitator"))
        st.stop()
    if found.assessment_id != assessment_id:
        st.error(tr("workshop.not_facilitator"))
        st.stop()
    return found


def screen_questionnaire(screen: workshop.Screen) -> Questionnaire | None:
    """The questionnaire of a projector's workshop (server-side only: nothing else of the assessment is shown)."""
    return _questionnaire_of(screen.workshop)


def ballot_questionnaire(current: workshop.Workshop) -> Questionnaire | None:
    return _questionnaire_of(current)


def _questionnaire_of(current: workshop.Workshop) -> Questionnaire | None:
    return catalog().get(*current.questionnaire)


def show_qr(url: str, alt: str, size_px: int) -> None:
    """A QR code for `url` as an image with a text alternative (the URL and code are ours, not user text)."""
    source = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
    st.html(f'<img src="{html.escape(source)}" alt="{html.escape(alt)}" width="{size_px}" height="{size_px}" '
            f'style="image-rendering: pixelated">', width="content")


def value_label(questionnaire: Questionnaire, value: str) -> str:
    if value in ("ja", "nee"):
        minimum = questionnaire.legal_minimum
        return (minimum.yes if value == "ja" else minimum.no).get(lang())
    if value == "nvt":
        return questionnaire.scale.not_applicable.get(lang())
    if value == "weetniet":
        return questionnaire.scale.dont_know.get(lang())
    return f"{value} · {questionnaire.scale.levels[int(value) - 1].label.get(lang())}"


def legal_outcome_text(questionnaire: Questionnaire, summary) -> str:
    """"Meeste stemmen: Nee (2 van 3)", or the answers that tie: a legal item has no median."""
    if not summary.voted:
        return tr("workshop.legal_no_votes")
    answers = " / ".join(value_label(questionnaire, v) for v in summary.largest)
    key = "workshop.legal_tied" if summary.tied else "workshop.legal_largest"
    return tr(key, answer=answers, count=summary.largest_count, voted=summary.voted)


def role_line_text(questionnaire: Questionnaire, question_id: str, value) -> str:
    """What the room sees of one role: its median, or for a legal item the answer most of it gave."""
    if is_legal(question_id):
        return tr("workshop.legal_role_tied") if value is None else value_label(questionnaire, value)
    return "–" if value is None else format_number(value, lang())


def show_results(questionnaire: Questionnaire, results: workshop.Results, big: bool = False) -> None:
    """Distribution, median, spread, agreement, a flag for discussion, the role split and changed votes. A legal
    item: the bars of ja / nee / weet niet, the answer most people gave and the agreement in words."""
    summary = results.summary
    language = lang()
    legal = is_legal(results.question_id)
    keys = list(workshop.LEGAL_VALUES) if legal else [1, 2, 3, 4, 5, "nvt", "weetniet"]
    colours = [LEGAL_COLOURS[k] for k in keys] if legal else ["#1D4ED8"] * 5 + ["#64748B", "#64748B"]
    figure = go.Figure(go.Bar(
        x=[value_label(questionnaire, str(k)) for k in keys], y=[summary.counts[k] for k in keys],
        marker_color=colours, text=[summary.counts[k] for k in keys],
        textposition="outside"))
    size = 26 if big else 16
    figure.update_layout(font=dict(size=size), height=460 if big else 320, margin=dict(l=20, r=20, t=30, b=20),
                         yaxis=dict(visible=False), showlegend=False, xaxis=dict(tickfont=dict(size=size - 4)))
    show_chart(figure, language)
    st.caption(tr("workshop.counts_line", counts=", ".join(  # the chart's numbers, as text
        f"{value_label(questionnaire, str(k))}: {summary.counts[k]}" for k in keys)))

    def number(value):
        return "–" if value is None else format_number(value, language)

    if legal:
        band = summary.band
        st.markdown(("### " if big else "") + legal_outcome_text(questionnaire, summary)
                    + (f" · {tr(f'workshop.agreement_{band}')}" if band else ""))
    else:
        st.markdown(("### " if big else "") + tr("workshop.median", median=number(summary.median),
                                                 iqr=number(summary.iqr), agreement=number(summary.agreement)))
    if summary.discuss:
        st.warning(tr("workshop.discuss"), icon=":material/forum:")
    if results.changed is not None:
        st.markdown(("### " if big else "") + tr("workshop.changed", count=results.changed))
    if results.by_role:  # only roles with enough voters, and only their median (no counts: anonymity)
        st.markdown(f"**{tr('workshop.by_role')}**")
        columns = st.columns(len(results.by_role))
        for column, (role, line) in zip(columns, results.by_role.items()):
            column.metric(tr(f"workshop.role_{role}"), role_line_text(questionnaire, results.question_id, line))
    if results.hidden_roles:
        st.caption(roles_hidden_text(results))


def roles_hidden_text(results: workshop.Results) -> str:
    """Says that small roles are not shown apart, without naming them (a role of one is known in the room)."""
    return tr("workshop.roles_hidden")


def heading_line(ids: list[str], state: workshop.QuestionState) -> str:
    """"Vraag 2 van 7 · stemmen open · ronde 2": the number is the question's place in the workshop."""
    return tr("workshop.heading_line", number=ids.index(state.question_id) + 1, total=len(ids),
              state=tr(f"workshop.state_{state.phase}"), round=state.round)


# the natural next step in each phase: that button is the primary one
NEXT_STEP = {"waiting": "open", "voting": "close", "closed": "reveal"}


def lead_buttons(db, actor, workshop_id: str, token: str, ids: list[str], state: workshop.QuestionState, *,
                 prefix: str) -> None:
    """The facilitator's buttons, the same on the facilitator page and on the projector's strip. Each is
    enabled when the service allows it now; the service checks again (another tab may have pressed first)."""
    position = ids.index(state.question_id)

    def act(action, **extra) -> None:
        attempt(action, db, actor=actor, workshop_id=workshop_id, token=token, **extra)

    here = {"question_id": state.question_id}
    parked = state.phase == "parked"
    buttons = [
        ("previous_question", workshop.go_to_question, {"question_id": ids[max(position - 1, 0)]}, position == 0),
        ("open", workshop.open_voting, here, not state.can("open")),
        ("close", workshop.close_voting, here, not state.can("close")),
        ("reveal", workshop.reveal, here, not state.can("reveal")),
        ("second_round", workshop.second_round, here, not state.can("second_round")),
        ("resume", workshop.resume, here, False) if parked else ("park", workshop.park, here, not state.can("park")),
        ("next_question", workshop.go_to_question, {"question_id": ids[min(position + 1, len(ids) - 1)]},
         position == len(ids) - 1),
    ]
    with st.container(horizontal=True, wrap=True, gap="small"):  # wraps on a narrow screen, no cut-off labels
        for name, action, extra, disabled in buttons:
            st.button(tr(f"workshop.{name}"), key=f"{prefix}_{name}", on_click=act, args=(action,), kwargs=extra,
                      disabled=disabled, width="content",
                      type="primary" if NEXT_STEP.get(state.phase) == name else "secondary")


def agreed_form(db, actor, workshop_id: str, token: str, questionnaire: Questionnaire,
                state: workshop.QuestionState, summary, *, prefix: str) -> None:
    """Record the agreed answer with its rationale, after the reveal. It starts empty: no default level; the
    median (rounded down, only when the room agrees enough) is offered beside it as a suggestion. A legal item
    offers ja / nee / weet niet, with the answer more than half of the room gave as the suggestion."""
    from scoring.respondents import suggestion

    options = workshop.values_for(state.question_id)
    legal = is_legal(state.question_id)

    if state.agreed_value:
        st.success(tr("workshop.recorded", value=escape_md(value_label(questionnaire, state.agreed_value))),
                   icon=":material/check:")
    if not state.can("agree"):
        st.caption(tr("workshop.agreed_after_reveal"))
        return
    with st.form(f"{prefix}_agree_{state.question_id}", border=True):
        pick, hint = st.columns([3, 2], vertical_alignment="bottom")
        value = pick.selectbox(tr("workshop.agreed"), options, key=f"{prefix}_agreed_{state.question_id}",
                               index=options.index(state.agreed_value) if state.agreed_value in options else None,
                               format_func=lambda v: value_label(questionnaire, v), placeholder=tr("common.choose"))
        if summary is None:
            suggested = None
        elif legal:  # only an answer more than half of the room gave
            suggested = summary.majority if summary.band in ("high", "fair") else None
        else:
            suggested = suggestion(summary)
        hint.markdown(tr("workshop.suggestion", value=escape_md(value_label(questionnaire, str(suggested))))
                      if suggested else tr("workshop.legal_no_suggestion" if legal else "workshop.no_suggestion"))
        rationale = st.text_input(tr("workshop.rationale"), value=state.rationale, max_chars=500,
                                  key=f"{prefix}_rationale_{state.question_id}")
        if st.form_submit_button(tr("workshop.record"), icon=":material/check:"):
            if attempt(workshop.record_agreed, db, actor=actor, workshop_id=workshop_id, token=token,
                       question_id=state.question_id, value=value or "", rationale=rationale)[0]:
                st.rerun(scope="fragment")


# --- joining ----------------------------------------------------------------------------------------------

def remember_seat_script(code: str, seat: str) -> str:
    """A script that keeps the seat in a cookie for this workshop's code, for two days (the workshop's life).
    Both values are ours: a join code of capitals and digits, and a URL-safe token."""
    if not re.fullmatch(r"[A-Z0-9]{4,12}", code) or not re.fullmatch(r"[A-Za-z0-9_\-]{16,64}", seat):
        raise ValueError("not a code and seat token")
    return (f"<script>document.cookie = 'kb_seat_{code}={seat}; path=/; max-age=172800; SameSite=Lax';"
            f"</script>")


class JoinThrottle:
    """Slows down guessing join codes (6 characters from 25: about 2.4e8 codes): after FREE wrong codes from
    one browser, each next try waits twice as long as the one before (at most MAX_WAIT seconds)."""

    FREE, MAX_WAIT, FORGET_AFTER = 3, 300, 3600

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}

    def wait_seconds(self, key: str) -> int:
        with self._lock:
            count, last = self._failures.get(key, (0, 0.0))
            if time.time() - last > self.FORGET_AFTER:
                return 0
            if count < self.FREE:
                return 0
            wait = min(2 ** (count - self.FREE + 1), self.MAX_WAIT)
            return max(0, int(last + wait - time.time() + 0.999))

    def failed(self, key: str) -> None:
        with self._lock:
            count, last = self._failures.get(key, (0, 0.0))
            if time.time() - last > self.FORGET_AFTER:
                count = 0
            self._failures[key] = (count + 1, time.time())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


JOIN_THROTTLE = JoinThrottle()


def join_throttle_key(context) -> str:
    """Whose wrong join codes are counted together: the browser's network address only (`context` is
    `st.context`). Headers such as the User-Agent are the sender's to choose, so they are not part of it: changing
    one does not start the count again. On this computer (no address) it is "local"."""
    address = getattr(context, "ip_address", None)
    return address if isinstance(address, str) and address else "local"


# --- the big screen ----------------------------------------------------------------------------------------

ENV_PUBLIC_URL = "KLANTBEWUST_PUBLIC_URL"


def _lan_address() -> str | None:
    """This computer's address in the local network (the one it would use to reach it); no packet is sent."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
        return None if address.startswith("127.") else address
    except OSError:
        return None


def public_base_url() -> str:
    """The address people in the room type or scan: KLANTBEWUST_PUBLIC_URL when set (behind a reverse proxy or
    another host name), else the address of this page, with "localhost" replaced by this computer's network
    address (a phone cannot reach the laptop's localhost)."""
    configured = os.environ.get(ENV_PUBLIC_URL, "").strip().rstrip("/")
    if configured:
        return configured
    parsed = urlparse(st.context.url or "http://localhost:8501/")
    host = parsed.hostname or "localhost"
    if host in ("localhost", "127.0.0.1", "::1"):
        host = _lan_address() or host
    port = f":{parsed.port}" if parsed.port else ""
    base_path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parsed.scheme or 'http'}://{host}{port}" + (f"/{base_path}" if base_path else "")


def join_link(code: str, language: str) -> str:
    return f"{public_base_url()}/stemmen?code={code}&lang={language}"


def short_address() -> str:
    """The join address without the scheme: what fits on a screen and is typed on a phone."""
    return public_base_url().split("://", 1)[-1] + "/stemmen"


def qr_img(url: str, alt: str, css_size: str) -> str:
    source = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
    return (f'<img src="{html.escape(source)}" alt="{html.escape(alt)}" '
            f'style="width:{css_size};height:{css_size};image-rendering:pixelated;background:#fff">')


def ring_svg(voted: int, participants: int, label: str) -> str:
    """How many voted, as a ring that fills, with the number in it (sizes in vmin: the same at every beamer).
    An SVG image (st.html keeps HTML only), with the count as its text alternative."""
    share = voted / participants if participants else 0
    circumference = 2 * 3.14159 * 42
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
           f'<circle cx="50" cy="50" r="42" fill="none" stroke="#E2E8F0" stroke-width="10"/>'
           f'<circle cx="50" cy="50" r="42" fill="none" stroke="#1D4ED8" stroke-width="10" stroke-linecap="round" '
           f'stroke-dasharray="{share * circumference:.1f} {circumference:.1f}" transform="rotate(-90 50 50)"/>'
           f'<text x="50" y="52" text-anchor="middle" font-family="sans-serif" font-size="26" font-weight="700" '
           f'fill="#0F172A">{voted}</text><text x="50" y="68" text-anchor="middle" font-family="sans-serif" '
           f'font-size="9" fill="#334155">/ {participants}</text></svg>')
    return (f'<img src="data:image/svg+xml;charset=utf-8,{quote(svg)}" alt="{html.escape(label)}" '
            f'data-voted="{voted}" data-participants="{participants}" style="width:34vmin;height:34vmin">')


def bars_html(questionnaire: Questionnaire, results: workshop.Results) -> str:
    """The distribution as large horizontal bars, each with its level (or ja / nee / weet niet) and its count
    written out."""
    counts = results.summary.counts
    legal = is_legal(results.question_id)
    keys = list(workshop.LEGAL_VALUES) if legal else ["1", "2", "3", "4", "5", "nvt", "weetniet"]
    highest = max([counts[_key(k)] for k in keys] + [1])
    rows = []
    for key in keys:
        count = counts[_key(key)]
        colour = LEGAL_COLOURS[key] if legal else ("#1D4ED8" if key.isdigit() else "#64748B")
        rows.append(
            f'<li style="display:flex;align-items:center;gap:1.5vmin;margin:0.6vmin 0">'
            f'<span style="flex:0 0 36vmin;font-size:3.2vmin;color:#0F172A">{html.escape(value_label(questionnaire, key))}'
            f'</span><span style="flex:1;background:#F1F5F9;height:5vmin;border-radius:0.8vmin">'
            f'<span style="display:block;height:100%;width:{100 * count / highest:.0f}%;background:{colour};'
            f'border-radius:0.8vmin"></span></span>'
            f'<span style="flex:0 0 7vmin;font-size:4vmin;font-weight:700;text-align:right;color:#0F172A">{count}'
            f'</span></li>')
    return f'<ul aria-label="{html.escape(tr("workshop.distribution"))}" style="list-style:none;padding:0;margin:0">' \
           + "".join(rows) + "</ul>"


def _key(value: str):
    return int(value) if value.isdigit() else value
