"""The one translation source: every text users see, in Dutch (first) and English.

Texts live in `texts.yaml` as `key: {nl: ..., en: ...}`; `t(key, lang, **params)` fills `{params}`.
A missing key or language is a programming error and raises, so tests catch it.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
TEXTS_FILE = Path(__file__).with_name("texts.yaml")


@lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    for key, value in data.items():
        if not isinstance(value, dict) or set(value) != set(LANGUAGES) or not all(
                isinstance(text, str) and text for text in value.values()):
            raise ValueError(f"{TEXTS_FILE.name}: '{key}' needs a non-empty text in exactly {LANGUAGES}")
    return data


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params) -> str:
    text = texts()[key][lang if lang in LANGUAGES else DEFAULT_LANGUAGE]
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
