"""What is wrong with an uploaded file, said precisely enough to find it: sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileProblem:
    code: str  # a translation key; the reader decides the prefix ("import.", "peerfile.")
    row: int | None = None  # as the user sees it: the header is row 1
    column: str = ""
    params: dict = field(default_factory=dict)
    sheet: str = ""


class FileImportError(ValueError):
    """A file with problems: nothing of it is used."""

    def __init__(self, problems: list[FileProblem]):
        super().__init__("; ".join(f"{p.sheet}!{p.column}{p.row or ''}: {p.code}" for p in problems))
        self.problems = problems
