"""Text helpers shared by every stage: slugs, plain text, digests."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

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
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|td|th|pre|div|section)>|<br\s*/?>", re.I)
_SPACE = re.compile(r"\s+")


def slugify(text: str) -> str:
    """Turn a title into a readable ASCII slug: "Über uns" -> "ueber-uns"."""
    # NFC first: file names from macOS arrive decomposed ("u" + combining diaeresis).
    text = unicodedata.normalize("NFC", text).translate(_TRANSLITERATE)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


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
