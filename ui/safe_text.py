"""Text from users and files, shown safely: as literal markdown (never markup or a live link), and stored
moments as Dutch local time."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")


def local_time(moment: datetime, pattern: str = "%d-%m-%Y %H:%M") -> str:
    """A stored (UTC) moment as Dutch local time."""
    return moment.astimezone(LOCAL_TIMEZONE).strftime(pattern)


# --- safe text -------------------------------------------------------------------------------------


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")
_WORD_JOINER = "\u2060"  # invisible; breaks the patterns that markdown turns into links by itself
_AUTOLINKS = (re.compile(r"@"), re.compile(r"(?i)(?<![a-z])www(?=\.)"), re.compile(r"(?i)[a-z][a-z0-9+.\-]*(?=://)"))


def escape_md(text: str) -> str:
    """User text inside markdown: shown literally, never as markup, headings, links, images or HTML. Besides
    escaping every markup character, an invisible word joiner goes after "@", "www" and a scheme before "://",
    so that e-mail addresses and web addresses typed by users never become live links."""
    text = text or ""
    for pattern in _AUTOLINKS:
        text = pattern.sub(lambda m: m.group(0) + _WORD_JOINER, text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def as_text(params: dict) -> dict:
    """Parameters of a message shown as markdown: a value from a user or a file stays text (`escape_md`)."""
    return {key: escape_md(value) if isinstance(value, str) else value for key, value in params.items()}
