"""The errors sitegen reports to users: each names the file (and line) at fault."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    absolute = Path(path).absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


class SitegenError(Exception):
    """A problem the user can fix; printed without a traceback."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __reduce__(self) -> tuple[object, ...]:
        # Errors travel back from worker processes; keep path and line on the way.
        return (self.__class__, (self.message, self.path, self.line))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ConfigError(SitegenError):
    """site.toml (or a command-line setting) is wrong; may carry several problems."""

    def __init__(self, path: Path | str, problems: list[str]):
        super().__init__("\n".join(problems), path)
        self.problems = problems

    def __reduce__(self) -> tuple[object, ...]:
        return (self.__class__, (self.path, self.problems))

    def __str__(self) -> str:
        return "\n".join(f"{self.path}: {problem}" for problem in self.problems)


class ContentError(SitegenError):
    """A post, page or data file under content/ is wrong."""


class ThemeError(SitegenError):
    """A theme is missing, or a template fails to load or render."""


class BuildErrors(SitegenError):
    """Several independent problems found in one pass, reported together."""

    def __init__(self, errors: list[SitegenError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def __reduce__(self) -> tuple[object, ...]:
        return (self.__class__, (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
