"""What a logged action says, in the user's language (the Beheer page's log). Never fails: an action without a
text is shown as its code, and a detail the text needs but the record lacks is shown as "unknown". Plain
Python on the translation source, so a test can check every logged action without a page."""

from __future__ import annotations

from datetime import date
from string import Formatter

from i18n import DEFAULT_LANGUAGE, LANGUAGES, has, t, texts


def _text_key(action: str, detail: dict) -> str:
    if action == "respondent_deadline_set" and not detail.get("deadline"):
        return "activity.respondent_deadline_removed"
    if action == "sharing_changed" and "share" in detail:
        return "activity.sharing_on" if detail["share"] else "activity.sharing_off"
    return f"activity.{action}"


def activity_text(action: str, detail: dict, lang: str, role_label=None) -> str:
    """What a logged action says, in the user's language. Never fails: an action without a text is shown as
    its code, and a detail the text needs but the record lacks is shown as "unknown"."""
    key = _text_key(action, detail if isinstance(detail, dict) else {})
    if not has(key):
        return action
    values = {}
    for name, value in (detail if isinstance(detail, dict) else {}).items():
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        if name == "deadline" and isinstance(value, str):
            try:
                value = date.fromisoformat(value).strftime("%d-%m-%Y")
            except ValueError:
                pass
        if name == "role" and role_label is not None:
            value = role_label(value)
        values[name] = value
    source = values.get("source") or "app"
    values["source"] = t(f"activity.source_{source}", lang) if has(f"activity.source_{source}") else str(source)
    text = texts()[key][lang if lang in LANGUAGES else DEFAULT_LANGUAGE]
    forms = text.values() if isinstance(text, dict) else [text]
    unknown = t("activity.unknown_value", lang)
    for form in forms:
        for _, name, _, _ in Formatter().parse(form):
            if name and values.get(name) is None:
                values[name] = unknown
    if isinstance(text, dict) and not isinstance(values.get("count"), int):
        return action
    try:
        return t(key, lang, **values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return action
