"""The podcast stage: measure each episode's audio, read transcript and chapters, check artwork.

Every problem is found before anything is written, and named by the file at fault.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image, UnidentifiedImageError

from .config import Config
from .errors import BuildErrors, ContentError, SitegenError, display_path
from .feeds import CHAPTERS_MIME, PODCAST_FEED
from .model import Attachment, Cue, Episode, Episodes, Post, Site, SourceFile
from .text import digest

PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The namespace UUID that the Podcasting 2.0 spec gives for podcast:guid."""
_EPISODE_NAMESPACE = uuid.uuid5(PODCAST_NAMESPACE, "sitegen episode")

# Suffix -> (MIME type, the readers that may open it, its name for messages).
_AUDIO: dict[str, tuple[str, tuple[type[mutagen.FileType], ...], str]] = {
    ".mp3": ("audio/mpeg", (MP3,), "MP3"),
    ".m4a": ("audio/x-m4a", (MP4,), "M4A"),
    ".ogg": ("audio/ogg", (OggVorbis, OggOpus), "Ogg"),
    ".oga": ("audio/ogg", (OggVorbis, OggOpus), "Ogg"),
    ".opus": ("audio/ogg", (OggOpus,), "Opus"),
    ".flac": ("audio/flac", (FLAC,), "FLAC"),
}
_TRANSCRIPTS = {".vtt": "text/vtt", ".srt": "application/x-subrip"}
_ARTWORK_SIDES = (1400, 3000)
_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+\S+")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]+>")


def podcast_guid(config: Config) -> str:
    """podcast:guid: set in site.toml, or the one the feed's URL gives."""
    if config.podcast and config.podcast.guid:
        return config.podcast.guid
    return feed_guid(config.base_url + PODCAST_FEED)


def feed_guid(url: str) -> str:
    """UUIDv5 of a feed's URL without its scheme and trailing slashes, as the namespace says."""
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.I).rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE, bare))


def plan_episodes(site: Site) -> Episodes:
    """Measure every episode; raise one error listing every broken audio, transcript or artwork."""
    errors: list[SitegenError] = []
    episodes: dict[str, Episode] = {}
    guids: dict[str, Post] = {}
    for post in site.posts:
        if post.audio is None:
            continue
        try:
            episode = _episode(post)
        except SitegenError as e:
            errors.append(e)
            continue
        other = guids.setdefault(episode.guid, post)
        if other is not post:
            errors.append(
                ContentError(
                    f"has the same episode guid as {other.source} (both written at "
                    f'{post.date.isoformat()}); give one a guid = "..." of its own',
                    post.source,
                    post.audio.line,
                )
            )
        episodes[post.key] = episode
    artwork = ""
    if site.config.podcast is not None:
        try:
            artwork = _artwork(site.config)
        except SitegenError as e:
            errors.append(e)
    if errors:
        raise BuildErrors(errors)
    return Episodes(episodes, podcast_guid(site.config), artwork)


def _episode(post: Post) -> Episode:
    assert post.audio is not None
    line = post.audio.line
    name = post.audio.target.rsplit("/", 1)[-1]

    def fail(message: str) -> ContentError:
        return ContentError(f"audio {name}: {message}", post.source, line)

    files = {f.rel: f for f in post.files}
    audio = files.get(post.audio.target)
    if audio is None:
        if not post.key.endswith(("/index.md", "/index.markdown")):
            raise fail(
                "an episode keeps its audio beside it: move the post into a folder of its own "
                "as index.md, with the audio file next to it"
            )
        raise fail("no such file beside the post")
    suffix = Path(name).suffix.lower()
    if suffix not in _AUDIO:
        known = ", ".join(sorted(_AUDIO))
        raise fail(f"{suffix or 'no suffix'} is no audio type podcast apps play (use {known})")
    mime, readers, kind = _AUDIO[suffix]
    duration = _duration(audio, readers, kind, fail)
    base = post.key.rsplit("/", 1)[0] + "/"
    stem = audio.rel.rsplit(".", 1)[0]

    def output(f: SourceFile) -> str:
        return post.url + f.rel.removeprefix(base)

    transcript = None
    for ext, transcript_mime in _TRANSCRIPTS.items():
        if (f := files.get(stem + ext)) is not None:
            transcript = Attachment(output(f), transcript_mime, _cues(f))
            break
    chapters = None
    if (f := files.get(stem + ".json")) is not None:
        chapters = Attachment(output(f), CHAPTERS_MIME, _chapters(f))
    guid = post.guid or str(
        uuid.uuid5(_EPISODE_NAMESPACE, post.date.astimezone(dt.UTC).isoformat())
    )
    episode = Episode(
        post.key, output(audio), mime, audio.size, duration, guid, transcript, chapters
    )
    return replace(episode, digest=digest(repr(episode)))


def _duration(
    audio: SourceFile,
    readers: tuple[type[mutagen.FileType], ...],
    kind: str,
    fail: Callable[[str], ContentError],
) -> int:
    if audio.size == 0:
        raise fail("the file is empty")
    for reader in readers:
        try:
            info = reader(audio.path).info
        except (mutagen.MutagenError, OSError, ValueError, EOFError):
            continue
        length = float(getattr(info, "length", 0) or 0)
        if length > 0:
            return max(1, round(length))
    raise fail(f"not {kind} audio (it cannot be read as such); export it again as {kind}")


def _cues(f: SourceFile) -> tuple[Cue, ...]:
    """The timed lines of a WebVTT or SubRip transcript."""
    text = _text(f)
    if f.rel.endswith(".vtt") and not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise ContentError("a WebVTT transcript starts with the line WEBVTT", display_path(f.path))
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            if m := _TIMING.match(line):
                spoken = (_VOICE.sub(r"\1: ", x) for x in lines[i + 1 :])
                words = " ".join(html.unescape(_TAG.sub("", x)).strip() for x in spoken).strip()
                if words:
                    cues.append(Cue(_seconds(m.group(1)), words))
                break
    if not cues:
        raise ContentError(
            "no timed lines (like 00:00:01.000 --> 00:00:04.000) in this transcript",
            display_path(f.path),
        )
    return tuple(cues)


def _chapters(f: SourceFile) -> tuple[Cue, ...]:
    """The chapters of a Podcasting 2.0 chapters file (JSON)."""
    shown = display_path(f.path)
    try:
        data = json.loads(_text(f))
    except json.JSONDecodeError as e:
        raise ContentError(f"not valid JSON: {e.msg}", shown, e.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise ContentError('chapters need {"version": "1.2.0", "chapters": [...]}', shown)
    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        raise ContentError('"chapters" must be a list of chapters', shown)
    found: list[Cue] = []
    for i, chapter in enumerate(chapters):
        start = chapter.get("startTime") if isinstance(chapter, dict) else None
        title = chapter.get("title") if isinstance(chapter, dict) else None
        if isinstance(start, bool) or not isinstance(start, int | float) or start < 0:
            raise ContentError(f"chapter {i + 1}: startTime must be seconds, like 0 or 90.5", shown)
        if not isinstance(title, str) or not title.strip():
            raise ContentError(f"chapter {i + 1}: needs a title", shown)
        found.append(Cue(float(start), title.strip()))
    return tuple(sorted(found, key=lambda c: c.start))


def _text(f: SourceFile) -> str:
    try:
        return f.path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ContentError(f"not UTF-8 text ({e.reason})", display_path(f.path)) from None


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    return sum(float(p) * 60.0**i for i, p in enumerate(reversed(parts)))


def _artwork(config: Config) -> str:
    """Check the podcast's artwork as directories will; return its output path."""
    assert config.podcast is not None
    rel = config.podcast.image.strip("/")
    path = config.content_dir / "static" / rel
    if not path.is_file():
        raise ContentError(
            "no such file: [podcast] image in site.toml names the artwork in content/static/",
            display_path(path),
        )
    problem = artwork_problem(path)
    if problem:
        raise ContentError(problem, display_path(path))
    return rel


def artwork_problem(path: Path) -> str | None:
    """What directories would refuse in podcast artwork, or None."""
    if not path.name.lower().endswith((".jpg", ".png")):
        return "podcast artwork must be a .jpg or .png file"
    try:
        with Image.open(path) as image:
            kind, mode, (width, height) = image.format, image.mode, image.size
    except (UnidentifiedImageError, OSError):
        return "podcast artwork: not an image Pillow can read"
    low, high = _ARTWORK_SIDES
    if kind not in ("JPEG", "PNG"):
        return f"podcast artwork must be JPEG or PNG, not {kind}"
    if mode != "RGB":
        alpha = " (save it without transparency)" if "A" in mode else ""
        return f"podcast artwork must be in RGB colours, not {mode}{alpha}"
    if width != height:
        return f"podcast artwork must be square, not {width}×{height} px"
    if not low <= width <= high:
        return f"podcast artwork must be {low} to {high} px wide, not {width} px"
    return None
