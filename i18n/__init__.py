"""The one translation source: every text users see, in Dutch (first) and English.

Texts live in `texts.yaml` as `key: {nl: ..., en: ...}`; `t(key, lang, **params)` fills `{params}`.
A text that depends on a number has a form per count: `key: {nl: {one: ..., other: ...}, en: {...}}`;
`t` picks the form by the `count` parameter ("1 actie", "2 acties").
A missing key or language is a programming error and raises, so tests catch it.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
PLURAL_FORMS = ("one", "other")
TEXTS_FILE = Path(__file__).with_name("texts.yaml")
_EPS = 1e-9
LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")  # every moment users see is Dutch local time  # as in scoring: a score a rounding error below a whole level counts as that level


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value)


def _is_plural(value) -> bool:
    return isinstance(value, dict) and set(value) == set(PLURAL_FORMS) and all(map(_is_text, value.values()))


@lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, str | dict[str, str]]]:
    data = yaml.load(TEXTS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
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


def round_half_up(value: float, decimals: int = 0) -> float:
    """The one rounding rule for every number users see, on the page and in the workbook.

    Halves go away from zero (2,65 -> 2,7; 62,5% -> 63%), as spreadsheet number formats do, and the value is
    read as the decimal number it stands for (15 significant digits, as Excel does), so that a share such as
    29/200 = 14,5% becomes 15% although its binary value lies a hair below. The workbook stores values
    already rounded by this function, so every spreadsheet program shows exactly what the page shows.
    """
    if not math.isfinite(value):
        return value
    exact = Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return float(exact) + 0.0  # + 0.0 turns -0.0 into 0.0


def round_share(share: float) -> float:
    """A share (0-1) rounded to a whole percent by the one rule: 5/8 -> 0.63."""
    if not math.isfinite(share):
        return share
    exact = (Decimal(f"{share:.15g}") * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return float(exact / 100) + 0.0


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    """1.5 -> '1,5' in Dutch, '1.5' in English; rounded by `round_half_up`."""
    text = f"{round_half_up(value, decimals):.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def format_percent(value: float, lang: str) -> str:
    """A share (0-1) as a whole percent, rounded by `round_share`: 5/8 -> '63%'."""
    return f"{round(round_share(value) * 100)}%"


def score_decimals(score: float) -> int:
    """How many decimals a score needs so that, shown rounded, it never reaches the next whole level.

    The stage is at most the score rounded down; 1.96 shown as "2,0" next to "stage 1" would contradict it,
    so such a score is shown as "1,96" (and 1.996 as "1,996"). Shared by the pages and the workbook.
    """
    whole = math.floor(score + _EPS)
    for decimals in (1, 2, 3):
        if math.floor(round_half_up(score, decimals) + _EPS) == whole:
            return decimals
    return 3


def rounded_score(score: float) -> tuple[float, int]:
    """A score as it is shown (by `round_half_up`, with `score_decimals` decimals) and that number of
    decimals; 1.9996 becomes 1.999, so that even then the shown score stays below the next level."""
    decimals = score_decimals(score)
    shown = round_half_up(score, decimals)
    if math.floor(shown + _EPS) != math.floor(score + _EPS):  # x.9995 and up
        shown = math.floor(score * 1000) / 1000
    return shown, decimals


def format_score(score: float, lang: str) -> str:
    shown, decimals = rounded_score(score)
    return format_number(shown, lang, decimals)


def shown_change(earlier: float | None, later: float | None, decimals: int = 1) -> float | None:
    """The one rule for a change that is shown: the difference of the two figures as they are shown (each rounded
    by `round_half_up` to `decimals`), so that a reader who subtracts gets the same: 1,6 → 2,2 is +0,6, never the
    +0,5 of the unrounded 1,64 → 2,16. None when either figure is missing. Shared by the pages and the workbook."""
    if earlier is None or later is None:
        return None
    return round_half_up(round_half_up(later, decimals) - round_half_up(earlier, decimals), decimals)


def shown_score_change(earlier: float | None, later: float | None) -> tuple[float, int] | None:
    """The change between two scores shown by `rounded_score` (which may need two or three decimals: 1,96), with
    the number of decimals it is shown with: the difference of the shown scores (1,96 → 2,4 is +0,44)."""
    if earlier is None or later is None:
        return None
    (before, before_decimals), (after, after_decimals) = rounded_score(earlier), rounded_score(later)
    decimals = max(before_decimals, after_decimals)
    return round_half_up(after - before, decimals), decimals


def format_change(change: float, lang: str, decimals: int = 1) -> str:
    """A change with its sign: "+0,6", "−0,4" (a real minus), "0,0"."""
    text = format_number(abs(change), lang, decimals)
    if round_half_up(change, decimals) == 0:
        return text
    return ("+" if change > 0 else "−") + text
