"""What the browser is told about the page, beyond what Streamlit renders itself: the page's own title
(WCAG 2.4.2: "Resultaten — Gemeente X 2026 — Klantbewust"), the language of its text on `<html lang>` (3.1.1;
Streamlit's page always says "en"), and a warning before the page is left while a text typed in a field has
not been sent yet (Streamlit sends a text field's value when the field is left or Ctrl+Enter is pressed)."""

from __future__ import annotations

import streamlit as st

from i18n import LANGUAGES

APP_NAME = "Klantbewust"
META_KEY = "kb-page-meta"


def page_title(page: str, context: str | None = None) -> str:
    """The document title: the page, what it shows (organisation and period) when it shows one, the app."""
    return " — ".join(part for part in (page, context, APP_NAME) if part)


def set_page(page: str) -> None:
    """Called once per run with the chosen page's name: its title without context, until the page knows
    what it shows (`set_context`)."""
    st.session_state["page_name"] = page
    st.set_page_config(page_title=page_title(page))


def set_context(context: str) -> None:
    """What the page shows (e.g. "Gemeente X 2026"), in its title. The title is set as text, never as HTML."""
    st.set_page_config(page_title=page_title(st.session_state.get("page_name", ""), " ".join(context.split())))


# Fixed script, no user text in it: the language code is one of LANGUAGES. The warning's listeners are
# installed once per browser page; a text field is "typed, not sent" from its first keystroke until it is
# left (blur sends it) or Ctrl+Enter; fields in a form are sent by the form's button and are not watched.
_SCRIPT = """<script data-lang="{lang}">
document.documentElement.lang = "{lang}";
if (!window.__kbUnsentWatch) {{
  window.__kbUnsentWatch = true;
  window.__kbUnsent = new Set();
  var watched = function (e) {{
    var t = e.target;
    return t && t.matches && t.matches("textarea, input[type=text]") && !t.closest("[data-testid='stForm']");
  }};
  document.addEventListener("input", function (e) {{ if (watched(e)) window.__kbUnsent.add(e.target); }}, true);
  document.addEventListener("focusout", function (e) {{ window.__kbUnsent.delete(e.target); }}, true);
  document.addEventListener("keydown", function (e) {{
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) window.__kbUnsent.delete(e.target);
  }}, true);
  window.addEventListener("beforeunload", function (e) {{
    var unsent = Array.from(window.__kbUnsent).filter(function (t) {{ return t.isConnected; }});
    if (unsent.length) {{ e.preventDefault(); e.returnValue = ""; }}
  }});
}}
</script>"""


def document_meta(language: str) -> None:
    """The language on `<html lang>` and the warning before leaving with unsent text; drawn in a hidden
    container so it takes no room on the page."""
    if language not in LANGUAGES:
        raise ValueError(language)
    # sections are h2 under the page's h1 (no jump to h3): drawn a little smaller than Streamlit's h2, so a
    # section in a box does not shout
    st.html(f"<style>.st-key-{META_KEY}{{display:none}} [data-testid='stMain'] h2{{font-size:1.75rem}}</style>")
    with st.container(key=META_KEY):
        st.html(_SCRIPT.format(lang=language), unsafe_allow_javascript=True, width="content")
