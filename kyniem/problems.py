"""Findings about content: one shape for the build, ``kyniem check`` and the CLI.

A finding names the file (relative to the project) and the line, says what is
wrong and what to do, so an editor never has to read a traceback. Messages are
Vietnamese; every ``code`` is stable English for tools and is catalogued in
kyniem/messages.py (tests/test_messages.py enforces both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one place in the content."""

    file: str
    line: int | None
    message: str
    severity: Severity = "error"
    code: str = "content"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Report:
    """Findings collected while reading content; errors stop a build, warnings don't."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int | None, message: str, code: str = "content") -> None:
        self.problems.append(Problem(file, line, message, "error", code))

    def warning(self, file: str, line: int | None, message: str, code: str = "content") -> None:
        self.problems.append(Problem(file, line, message, "warning", code))

    def extend(self, other: "Report") -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class ContentError(Exception):
    """Raised when content cannot be turned into a correct site."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
