"""The legal minimum beside the scan: which legal requirements are met, which are not, and where that touches
the maturity scores.

A requirement is answered ja / nee / weet niet. It is never averaged: a "nee" does not change any score, and
no score hides a "nee". Every part whose questions touch a requirement that is not met (or not known to be
met) carries that requirement with it, so each place that shows the part's stage can name the breach beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from questionnaires.model import LegalItem, Questionnaire

YES, NO, DONT_KNOW = "ja", "nee", "weetniet"
# The answer to a legal item is kept beside the answers to the questions under this key (a questionnaire id
# cannot hold ":"), in the app's storage and in the workbook's Antwoorden sheet.
LEGAL_PREFIX = "legal:"


LEGAL_VALUES = (YES, NO, DONT_KNOW)  # the answers to a legal item, in the order they are offered


def legal_key(item_id: str) -> str:
    return LEGAL_PREFIX + item_id


def is_legal_key(key: str) -> bool:
    return key.startswith(LEGAL_PREFIX)


@dataclass(frozen=True)
class LegalItemResult:
    item: LegalItem
    value: str | None  # YES, NO, DONT_KNOW or None (not answered)
    dimension_ids: tuple[str, ...]  # the parts whose questions touch this requirement

    @property
    def met(self) -> bool:
        return self.value == YES


@dataclass(frozen=True)
class LegalCheck:
    items: tuple[LegalItemResult, ...]

    def _with(self, value) -> list[LegalItemResult]:
        return [r for r in self.items if r.value == value]

    @property
    def exists(self) -> bool:
        return bool(self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def met(self) -> list[LegalItemResult]:
        return self._with(YES)

    @property
    def not_met(self) -> list[LegalItemResult]:
        return self._with(NO)

    @property
    def unknown(self) -> list[LegalItemResult]:
        return self._with(DONT_KNOW)

    @property
    def open(self) -> list[LegalItemResult]:
        return self._with(None)

    @property
    def complete(self) -> bool:
        return not self.open

    def not_met_in(self, dimension_id: str) -> list[LegalItemResult]:
        """The requirements not met whose practice lies (partly) in this part."""
        return [r for r in self.not_met if dimension_id in r.dimension_ids]

    def not_met_in_competency(self, questionnaire: Questionnaire, competency_id: str) -> list[LegalItemResult]:
        ids = {d.id for d in next(c for c in questionnaire.competencies if c.id == competency_id).dimensions}
        return [r for r in self.not_met if ids & set(r.dimension_ids)]


# --- several people's answers to one legal item (a workshop room, respondents) ------------------------------
# No median and no van der Eijk's A: ja / nee / weet niet is no scale. What a room can read instead is which
# answer most people gave, and the agreement in words from the share of that answer.
HIGH_SHARE = 0.75  # three in four or more gave the largest answer: the group largely agrees
FAIR_SHARE = 0.5  # more than half gave it: fair agreement; half or less: divided, discuss first


@dataclass(frozen=True)
class LegalVoteSummary:
    counts: dict[str, int]  # ja, nee, weetniet -> votes
    voted: int

    # the fields of a vote summary on levels that a ja / nee answer does not have
    median = p25 = p75 = agreement = iqr = None

    @property
    def largest(self) -> tuple[str, ...]:
        """The answer(s) most people gave: more than one on a tie; none without votes."""
        if not self.voted:
            return ()
        top = max(self.counts.values())
        return tuple(value for value in LEGAL_VALUES if self.counts[value] == top)

    @property
    def largest_count(self) -> int:
        return max(self.counts.values()) if self.voted else 0

    @property
    def tied(self) -> bool:
        return len(self.largest) > 1

    @property
    def share(self) -> float | None:
        """The share of the largest answer (0-1); None without votes."""
        return self.largest_count / self.voted if self.voted else None

    @property
    def band(self) -> str | None:
        """The agreement in words from the share of the largest answer: "high", "fair" or "split"."""
        share = self.share
        if share is None:
            return None
        if share >= HIGH_SHARE:
            return "high"
        return "fair" if share > FAIR_SHARE else "split"

    @property
    def discuss(self) -> bool:
        return self.band == "split"

    @property
    def majority(self) -> str | None:
        """The answer most people gave; weet niet on a tie (nobody can say the requirement is met or not);
        None without votes."""
        if not self.voted:
            return None
        return DONT_KNOW if self.tied else self.largest[0]


def summarise_legal(votes: list[str]) -> LegalVoteSummary:
    counts = {value: 0 for value in LEGAL_VALUES}
    for vote in votes:
        if vote not in counts:
            raise ValueError(f"not a legal answer: {vote!r}")
        counts[vote] += 1
    return LegalVoteSummary(counts, len(votes))


def check_legal_minimum(questionnaire: Questionnaire, values: Mapping[str, str | None]) -> LegalCheck:
    """`values` maps a legal item id to ja / nee / weetniet (ids of other items are ignored)."""
    results = []
    for item in questionnaire.legal_items():
        dimension_ids = tuple(dict.fromkeys(questionnaire.dimension_of(q).id for q in item.questions))
        value = values.get(item.id)
        if value not in (YES, NO, DONT_KNOW, None):
            raise ValueError(f"not a legal answer: {value!r}")
        results.append(LegalItemResult(item, value, dimension_ids))
    return LegalCheck(tuple(results))


# --- in words (the page, the workbook and the history say it the same way) ----------------------------------
def requirement_text(item: LegalItem, lang: str) -> str:
    """"9:7 (onafhankelijke behandeling)"."""
    return f"{item.article} ({item.short.get(lang)})"


def summary_text(check: LegalCheck, lang: str) -> str:
    """"9 van 10 wettelijke eisen: ja · 1 nee: 9:7 (onafhankelijke behandeling)", with every nee, weet niet and
    open item named."""
    from i18n import t

    parts = [t("legal.summary_yes", lang, met=len(check.met), total=check.total)]
    for key, results in (("legal.summary_no", check.not_met), ("legal.summary_dont_know", check.unknown),
                         ("legal.summary_open", check.open)):
        if results:
            parts.append(t(key, lang, count=len(results),
                           items=", ".join(requirement_text(r.item, lang) for r in results)))
    return " · ".join(parts)


def breach_text(results: list[LegalItemResult], lang: str) -> str:
    """"maar wettelijke eis 9:7 niet gehaald": the mark beside a stage whose part touches a requirement not met
    (empty when there is none)."""
    from i18n import t

    if not results:
        return ""
    return t("legal.breach", lang, count=len(results), articles=", ".join(r.item.article for r in results))


def stage_with_breach(stage_text: str, results: list[LegalItemResult], lang: str) -> str:
    """"Fase 3 — maar wettelijke eis 9:7 niet gehaald"."""
    mark = breach_text(results, lang)
    return f"{stage_text} — {mark}" if mark else stage_text
