"""The one translation source: every text users see, in Dutch (first) and English.

Texts live in `texts.yaml` as `key: {nl: ..., en: ...}`; `t(key, lang, **params)` fills `{params}`.
A missing key or language is a programming error and raises, so tests catch it.
"""

from __future__ import annotations

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


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    """1.5 -> '1,5' in Dutch, '1.5' in English."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def format_percent(value: float, lang: str) -> str:
    return f"{round(value * 100)}%"
