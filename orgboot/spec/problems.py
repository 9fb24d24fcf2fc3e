"""Problems found in org.yaml, and the error that carries all of them at once."""

from dataclasses import dataclass

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """A problem at a place in the spec, before it is given a file and line; or, with `at`, at a
    line of another file (a policy document) that the spec entry at `loc` points to."""

    loc: Loc
    message: str
    at: tuple[str, int, str] | None = None  # (file, line, key inside that file)


@dataclass(frozen=True)
class LocatedProblem:
    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class SpecError(Exception):
    """org.yaml is not valid. Carries every problem found, in file order."""

    def __init__(self, problems: list[LocatedProblem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.key))
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the organization spec:\n{lines}")

    def __reduce__(self) -> tuple[type["SpecError"], tuple[list[LocatedProblem]]]:
        return SpecError, (self.problems,)  # it crosses processes (orgboot diff reads the base in a second one)
