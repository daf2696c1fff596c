"""The domain errors of llm4rec-kg and the exit codes the CLI maps them to.

Exit codes (stable contract, as in pySHACL): 0 ok, 1 invalid data, 2 usage or I/O error.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_ERROR = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the stage allows."""

    file: str
    line: int | None
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = ".".join(part for part in (self.entry, self.field) if part)
        return f"{where}: {what}: {self.message}" if what else f"{where}: {self.message}"


class KGError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = EXIT_ERROR


class UsageError(KGError):
    """The caller asked for something that cannot be done (bad option, unknown name)."""


class SourceError(KGError):
    """A file or endpoint could not be read or written."""


class InvalidDataError(KGError):
    """The input is readable but wrong; carries every problem found by one stage."""

    exit_code = EXIT_INVALID

    def __init__(self, stage: str, problems: list[Problem]) -> None:
        self.stage = stage
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, str(p)))
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{stage}: {len(self.problems)} {noun}")
