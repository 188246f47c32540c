"""The [podcast] table of site.toml: who speaks, who owns the feed, how directories file it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Person:
    name: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Funding:
    url: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Voice:
    """Someone heard in the podcast (podcast:person)."""

    name: str = ""
    role: str = "host"
    """A role of the Podcasting 2.0 taxonomy: host, guest, producer, ..."""
    href: str = ""
    """Their page."""
    img: str = ""
    """Their picture: an absolute URL, or a path in content/static/."""


@dataclass(frozen=True, slots=True)
class Podcast:
    title: str = ""
    """Defaults to the site's title."""
    description: str = ""
    """Defaults to the site's description."""
    image: str = ""
    """Artwork, a path inside content/static/."""
    category: str = ""
    """One of Apple's categories: "Society & Culture"."""
    subcategory: str = ""
    """One of the category's subcategories: "Personal Journals"."""
    explicit: bool = False
    author: str = ""
    """Defaults to [author] name."""
    owner: Person = field(default_factory=Person)
    """Who directories write to; both name and email are required."""
    type: str = "episodic"
    """episodic (newest first) or serial (in order)."""
    locked: bool = True
    """Ask directories not to let anyone but the owner move the feed elsewhere."""
    guid: str = ""
    """podcast:guid; defaults to the one computed from the feed's URL. Set it when moving."""
    funding: Funding | None = None
    persons: tuple[Voice, ...] = ()
    copyright: str = ""


def podcast_problems(podcast: Podcast, problems: list[str]) -> None:
    """Add what is wrong with a [podcast] table whose keys and types are right."""
    if not podcast.owner.name or not podcast.owner.email:
        problems.append(
            "podcast.owner: a podcast needs an owner with name and email, like owner = "
            '{ name = "Jana", email = "jana@example.org" } (directories write to it)'
        )
    if not podcast.image:
        problems.append('podcast.image: the artwork is required, like image = "cover.jpg"')
    if podcast.category not in APPLE_CATEGORIES:
        known = ", ".join(APPLE_CATEGORIES)
        problems.append(f"podcast.category: must be one of Apple's categories: {known}")
    elif podcast.subcategory and podcast.subcategory not in APPLE_CATEGORIES[podcast.category]:
        subs = ", ".join(APPLE_CATEGORIES[podcast.category]) or "none"
        problems.append(
            f"podcast.subcategory: {podcast.category!r} has these subcategories: {subs}"
        )
    if podcast.type not in ("episodic", "serial"):
        problems.append("podcast.type: must be 'episodic' or 'serial'")
    if podcast.guid and not re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", podcast.guid
    ):
        problems.append("podcast.guid: must be a UUID like 917393e3-1b1e-5cef-ace4-edaa54e1f810")
    if podcast.funding is not None and not re.match(r"https?://", podcast.funding.url):
        problems.append("podcast.funding.url: must be an absolute http(s) URL")
    for i, voice in enumerate(podcast.persons):
        if not voice.name:
            problems.append(f"podcast.persons[{i}].name: missing (required)")


APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "History": (),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}
"""Apple Podcasts' categories and their subcategories, as its feeds must name them."""
