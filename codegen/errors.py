"""Errors of the generator. Lint problems are values, reported together at the end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CodegenError", "LintFailed", "SchemaProblem"]


@dataclass(frozen=True, slots=True, order=True)
class SchemaProblem:
    """One thing wrong with one schema file, located by a JSON pointer inside it."""

    path: str
    """The file, relative to the schema root."""
    pointer: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}#{self.pointer}" if self.pointer else self.path
        return f"{where}: {self.message}"


class CodegenError(Exception):
    """Root of the generator's exceptions."""


class LintFailed(CodegenError):
    """The tree has problems; all of them are listed, not just the first."""

    def __init__(self, problems: Sequence[SchemaProblem]) -> None:
        self.problems = tuple(sorted(problems))
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} schema problem(s):\n{lines}")
