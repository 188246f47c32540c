"""Load a theme: its chain of folders, Jinja environment, translations and static files."""

from __future__ import annotations

import os
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import CodeType

import jinja2

from .config import Config
from .errors import ThemeError
from .paths import check_inside
from .text import digest, slugify

BUILTIN_THEMES = Path(__file__).parent / "themes"
# In a source checkout the default theme lives beside the package, not inside it.
_CHECKOUT_THEMES = Path(__file__).parent.parent / "themes"


@dataclass(frozen=True, slots=True)
class Theme:
    """A resolved theme: folders from the site's own theme down to the one it extends."""

    name: str
    folders: tuple[Path, ...]
    strings: dict[str, dict[str, str]]
    """Language -> key -> translated theme string, merged along the chain."""
    digest: str
    """Changes when any template or translation of the chain changes."""

    def strings_for(self, language: str) -> dict[str, str]:
        """The theme strings of `language` ("de-AT"): its own, then its base language's
        ("de"), then English for any key a translation leaves out."""
        merged: dict[str, str] = {}
        for code in ("en", language.split("-")[0], language):
            merged.update(self.strings.get(code, {}))
        return merged

    def page_url(self, language: str, key: str, fallback: str) -> str:
        """The URL of a page the site makes under a theme string's name ("traeume/")."""
        return f"{slugify(self.strings_for(language).get(key, '')) or fallback}/"

    def static_files(self) -> dict[str, Path]:
        """Output path -> file, the site's own theme winning over the ones it extends."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            for root, dirs, names in os.walk(static):
                dirs.sort()
                for name in sorted(names):
                    path = Path(root, name)
                    files[path.relative_to(static).as_posix()] = path
        return files

    def data(self, name: str) -> str:
        """The text of data/NAME of the first theme in the chain that has it, or ""."""
        for folder in self.folders:
            path = folder / "data" / name
            if path.is_file():
                return path.read_text(encoding="utf-8").strip()
        return ""

    def environment(self) -> jinja2.Environment:
        """A strict, autoescaping Jinja environment over the theme's templates.

        A template may reach the one it overrides with the prefix "NAME!" (as in
        `{% extends "default!base.html" %}`).
        """
        loaders: list[jinja2.BaseLoader] = [
            jinja2.FileSystemLoader([str(f / "templates") for f in self.folders])
        ]
        prefixed = {f.name: jinja2.FileSystemLoader(str(f / "templates")) for f in self.folders}
        loaders.append(jinja2.PrefixLoader(prefixed, delimiter="!"))
        return jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            bytecode_cache=_COMPILED,
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, so that builds in one process compile each once.

    `sitegen serve` builds again on every save; compiling the templates was a fifth
    of a rebuild. Jinja keys a template by name and file and checks its source's
    checksum, so an edited template is compiled again. Every environment sharing this
    cache is made by `Theme.environment()` with the same options.
    """

    def __init__(self) -> None:
        self.codes: dict[str, tuple[str, CodeType]] = {}
        self.lock = threading.Lock()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self.lock:
            found = self.codes.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            with self.lock:
                self.codes[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED = _CompiledTemplates()


def load_theme(config: Config) -> Theme:
    """Resolve config.theme and the themes it extends."""
    folders: list[Path] = []
    name: str | None = config.theme
    while name is not None:
        folder = _find(name, config.site_dir)
        if folder is None:
            where = f"{config.site_dir / 'themes' / name}"
            raise ThemeError(
                f"theme {name!r} not found (looked in {where} and the built-in themes)",
                config.site_dir / "site.toml",
            )
        if folder in folders:
            raise ThemeError(f"theme {name!r} extends itself", folder / "theme.toml")
        folders.append(folder)
        name = _read_manifest(folder).get("extends")
    site = Path(os.path.realpath(config.site_dir))
    for folder in folders:
        _check_links(folder, (folder, site))
    strings: dict[str, dict[str, str]] = {}
    for folder in reversed(folders):
        for path in sorted((folder / "i18n").glob("*.toml")):
            strings.setdefault(path.stem, {}).update(_read_toml(path))
    # Files count by their place in the chain, never by where the site (or sitegen) is.
    files = sorted(
        (i, p.relative_to(f).as_posix(), p)
        for i, f in enumerate(folders)
        for sub in ("templates", "i18n")
        for p in (f / sub).rglob("*")
        if p.is_file()
    )
    theme_digest = digest(
        *(f"{i}:{rel}" for i, rel, _ in files), *(p.read_bytes() for _, _, p in files)
    )
    return Theme(folders[0].name, tuple(folders), strings, theme_digest)


def _check_links(folder: Path, roots: tuple[Path, ...]) -> None:
    """Refuse a link in the theme's folders that leads out of the theme and the site."""
    for sub in ("templates", "static", "i18n"):
        for root, dirs, names in os.walk(folder / sub):
            for name in (*dirs, *names):
                check_inside(Path(root, name), roots)


def _find(name: str, site_dir: Path) -> Path | None:
    for root in (site_dir / "themes", _CHECKOUT_THEMES, BUILTIN_THEMES):
        folder = root / name
        if any((folder / part).exists() for part in ("theme.toml", "templates", "static")):
            return folder.resolve()
    return None


def _read_manifest(folder: Path) -> dict[str, str]:
    path = folder / "theme.toml"
    if not path.exists():
        return {}
    data = _read_toml(path)
    unknown = set(data) - {"name", "extends", "description"}
    if unknown:
        raise ThemeError(
            f"unknown key {sorted(unknown)[0]!r} (known: name, extends, description)", path
        )
    return data


def _read_toml(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ThemeError(f"not valid TOML: {e}", path) from None
    if not all(isinstance(v, str) for v in data.values()):
        raise ThemeError("every value must be a string", path)
    if len(data.get("quotes", "....")) != 4:
        raise ThemeError(
            "quotes must be four characters: double quotes opening and closing, "
            'then single ones, like "„“‚‘"',
            path,
        )
    return data
