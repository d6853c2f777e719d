"""The one translation source: every text users see, in Dutch (first) and English.

Texts live in `texts.yaml` as `key: {nl: ..., en: ...}`; `t(key, lang, **params)` fills `{params}`.
A text that depends on a number has a form per count: `key: {nl: {one: ..., other: ...}, en: {...}}`;
`t` picks the form by the `count` parameter ("1 actie", "2 acties").
A missing key or language is a programming error and raises, so tests catch it.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
PLURAL_FORMS = ("one", "other")
TEXTS_FILE = Path(__file__).with_name("texts.yaml")
_EPS = 1e-9  # as in scoring: a score a rounding error below a whole level counts as that level


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value)


def _is_plural(value) -> bool:
    return isinstance(value, dict) and set(value) == set(PLURAL_FORMS) and all(map(_is_text, value.values()))


@lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, str | dict[str, str]]]:
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    for key, value in data.items():
        if not isinstance(value, dict) or set(value) != set(LANGUAGES):
            raise ValueError(f"{TEXTS_FILE.name}: '{key}' needs a text in exactly {LANGUAGES}")
        plain, plural = all(map(_is_text, value.values())), all(map(_is_plural, value.values()))
        if not (plain or plural):
            raise ValueError(f"{TEXTS_FILE.name}: '{key}' needs in every language either a non-empty text, "
                             f"or the forms {PLURAL_FORMS}")
    return data


def is_plural(key: str) -> bool:
    return isinstance(texts()[key][DEFAULT_LANGUAGE], dict)


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params) -> str:
    text = texts()[key][lang if lang in LANGUAGES else DEFAULT_LANGUAGE]
    if isinstance(text, dict):
        if "count" not in params:
            raise KeyError(f"'{key}' depends on a number: pass count=")
        text = text["one" if params["count"] == 1 else "other"]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in texts()


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    """1.5 -> '1,5' in Dutch, '1.5' in English."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def format_percent(value: float, lang: str) -> str:
    return f"{round(value * 100)}%"


def score_decimals(score: float) -> int:
    """How many decimals a score needs so that, shown rounded, it never reaches the next whole level.

    The stage is at most the score rounded down; 1.96 shown as "2,0" next to "stage 1" would contradict it,
    so such a score is shown as "1,96" (and 1.996 as "1,996"). Shared by the pages and the workbook.
    """
    whole = math.floor(score + _EPS)
    for decimals in (1, 2, 3):
        if math.floor(round(score, decimals) + _EPS) == whole:
            return decimals
    return 3


def format_score(score: float, lang: str) -> str:
    decimals = score_decimals(score)
    shown = format_number(score, lang, decimals)
    if math.floor(float(shown.replace(",", ".")) + _EPS) != math.floor(score + _EPS):  # x.9995 and up
        shown = format_number(math.floor(score * 1000) / 1000, lang, 3)
    return shown
