"""Text helpers shared by every stage: slugs, plain text, digests."""

from __future__ import annotations

import functools
import hashlib
import html
import re
import tomllib
import unicodedata

from anyascii import anyascii

# Letters that Unicode decomposition would flatten wrongly (ü -> u) or drop (ß, ø).
_TRANSLITERATE = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "Ae",
        "ø": "oe",
        "Ø": "Oe",
        "œ": "oe",
        "Œ": "Oe",
        "å": "aa",
        "Å": "Aa",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "ı": "i",
    }
)
# Scripts with an established romanisation that readers of the script use in addresses
# themselves (ISO 9 and national standards for Cyrillic, ELOT 743 for Greek): these become
# ASCII. Letters of other scripts stay as they are: Chinese has no spaces to romanise by
# word, kanji read differently in Japanese, and Arabic or Hebrew without vowels is unreadable.
_ROMANISED = ("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN")
# Greek pairs read as one sound, written as on Greek passports (ELOT 743) where letter by
# letter would give "oy", "ay": ου is "ou"; αυ, ευ, ηυ are "av", "ev", "iv", and "af",
# "ef", "if" before a voiceless consonant or at the end of a word.
_GREEK_PAIR = re.compile("([οΟαΑεΕηΗ])[υύΥΎ](?=(.?))")
_GREEK_VOICELESS = set("θκξπστςφχψΘΚΞΠΣΤΦΧΨ")
_SEPARATORS = re.compile("[^0-9a-z\u0080-\U0010ffff]+")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|td|th|pre|div|section)>|<br\s*/?>", re.I)
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Turn a title into a readable slug: "Über uns" -> "ueber-uns", "Καλημέρα" -> "kalimera".

    Latin, Greek, Cyrillic, Armenian and Georgian letters become ASCII; letters of other
    scripts are kept ("你好世界" stays), so that every title with a letter or digit has a slug.
    """
    # NFC first: file names from macOS arrive decomposed ("u" + combining diaeresis).
    text = unicodedata.normalize("NFC", text).translate(_TRANSLITERATE)
    text = _GREEK_PAIR.sub(_greek_pair, text)
    words = "".join(_romanise(char) for char in text).lower()
    return "-".join(word for word in _SEPARATORS.split(words) if word)


def _greek_pair(found: re.Match[str]) -> str:
    first, after = found.group(1).lower(), found.group(2)
    if first == "ο":
        return "ou"
    voiceless = not after.isalpha() or after in _GREEK_VOICELESS
    return {"α": "a", "ε": "e", "η": "i"}[first] + ("f" if voiceless else "v")


def _romanise(char: str) -> str:
    """A character as it stands in a slug: ASCII, kept as it is, or a space between words."""
    if char.isascii():
        return char
    category = unicodedata.category(char)[0]
    name = unicodedata.name(char, "")
    if category in "LM" and not name.startswith((*_ROMANISED, "MODIFIER LETTER", "COMBINING")):
        return char
    return anyascii(char) if category in "LMN" else " "


def plain_text(fragment: str) -> str:
    """Reduce an HTML fragment to its text, whitespace folded."""
    spaced = _BLOCK_END.sub(" ", fragment)
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", spaced))).strip()


def shorten(text: str, limit: int = 200) -> str:
    """Cut text at a word boundary, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return cut + " …"


def digest(*parts: str | bytes) -> str:
    """A short, stable content digest of the given parts."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def count(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 file", "2 files": a number with its noun in the right form."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


_SRCSET_CANDIDATE = re.compile(r"\s*([^\s,]+)(?:\s+[^,]*)?(?:,|$)")


def srcset_urls(value: str) -> list[str]:
    """The URL of each candidate in a srcset attribute ("a.jpg 480w, b.jpg 960w")."""
    return [m.group(1) for m in _SRCSET_CANDIDATE.finditer(value) if m.group(1)]


_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)")


def toml_problem(
    error: tomllib.TOMLDecodeError, text: str, first_line: int = 1
) -> tuple[str, int | None]:
    """A TOML syntax error as a message quoting its line, a caret under the column; and the line.

    `first_line` is the line of the file on which `text` begins (front matter: 2).
    """
    message = str(error)
    found = _TOML_AT.search(message)
    what = _TOML_AT.sub("", message)
    if found is None or found.group(1) is None:
        return f"{what} at the end of the text (something opened is never closed)", None
    number, column = int(found.group(1)), int(found.group(2))
    lines = text.split("\n")
    quoted = lines[number - 1] if number <= len(lines) else ""
    # Tabs stay tabs under the quote, so that the caret lines up in any terminal.
    indent = "".join(c if c == "\t" else " " for c in quoted[: column - 1])
    rest = quoted[column - 1 :]
    hint = ""
    if what == "Invalid value" and rest[:1].isalpha() and not rest.startswith(("true", "false")):
        hint = ' text goes in quotes: "..."'
    return f"{what} (column {column}):\n    {quoted}\n    {indent}^{hint}", first_line + number - 1
