"""Small generated sites and the edits writers make, for the incremental-build oracle.

A `SiteSpec` is a whole site as data; `write` puts it on disk, touching only the files
whose bytes changed (as an editor would), and `fresh_copy` copies its sources, and
nothing else, to a new folder.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import strategies as st
from PIL import Image

from sitegen.build import BuildOptions, BuildReport, build

NOW = dt.datetime(2014, 6, 1, 12, 0, tzinfo=dt.UTC)
"""Every build of the oracle runs at this moment: posts after it wait."""

WORDS = ("Leim", "Papier", "Zwirn", "Öl", "Straße", "Buch", "Kleister", "Regal")
TAGS = ("Werkstatt", "Bücher", "Übung", "Reise")
PLACES = ("", "Berlin", "Köln", "Leipzig", "Im Zug")  # the last one is on no map
DATES = (
    "2012-06-26",
    "2013-06-26",
    "2013-06-27",
    "2013-12-31",
    "2014-01-01",
    "2014-05-31",
    "2014-06-02",  # after NOW: waits
    "2015-06-26",  # after NOW: waits
)
TEMPLATE = """\
{% if post.location %}<p class="diary-line">{{ post.location }} · MARK</p>{% endif %}
"""


def _photo(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), color).save(out, "PNG")
    return out.getvalue()


PHOTOS = (_photo((200, 30, 30)), _photo((30, 200, 30)))


@dataclass(frozen=True, slots=True)
class PostSpec:
    name: str
    """File name without .md: the date, then a stem."""
    title: str = "Ein Eintrag"
    has_time: bool = True
    location: str = ""
    zone: str = ""
    dream: str = ""
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    draft: bool = False
    slug: str = ""
    summary: str = ""
    body: str = "Ein Absatz."
    links: tuple[str, ...] = ()
    """Names of other posts the body links to."""
    dream_link: str = ""
    """Name of another post the dream links to."""
    photo: int | None = None
    """A bundle with this photo, shown in the body (and as cover when `cover`)."""
    cover: bool = False
    series: str = ""
    """Its series: joining or leaving one changes the other parts' pages (and related)."""

    @property
    def published(self) -> bool:
        return not self.draft and self.name[:10] <= NOW.date().isoformat()

    @property
    def target(self) -> str:
        """The path other posts link to."""
        return f"{self.name}/index.md" if self.photo is not None else f"{self.name}.md"

    def files(self, names: dict[str, str]) -> dict[str, bytes]:
        """This post's files; `names` maps each published post's name to its link target."""
        fields = [f'title = "{self.title}"']
        date = self.name[:10]
        fields.append(f"date = {date}T07:15:00+02:00" if self.has_time else f"date = {date}")
        for key in ("location", "zone", "slug", "description"):
            value = self.summary if key == "description" else getattr(self, key)
            if key == "slug" and value:
                value = f"{self.name[11:]}-{value}"  # never another post's URL
            if value:
                fields.append(f'{key} = "{value}"')
        dream = self.dream
        if dream and self.dream_link in names:
            dream += f" [dort]({_relative(self, names[self.dream_link])})"
        if dream:
            fields.append(f'dream = "{dream}"')
        if self.tags:
            fields.append("tags = [" + ", ".join(f'"{t}"' for t in self.tags) + "]")
        if self.series:
            fields.append(f'series = "{self.series}"')
        stem = self.name[11:]
        if self.aliases:
            # Old addresses of this post alone: two posts never claim one.
            aliases = [a.replace("/alt/", f"/alt/{stem}-", 1) for a in self.aliases]
            fields.append("aliases = [" + ", ".join(f'"{a}"' for a in aliases) + "]")
        if self.draft:
            fields.append("draft = true")
        if self.photo is not None and self.cover:
            fields.append('cover = "foto.png"')
        body = self.body
        for link in self.links:
            if link in names:
                body += f" Siehe [den Eintrag]({_relative(self, names[link])})."
        if self.photo is not None:
            body += '\n\n![Ein Foto](foto.png "Das Foto")'
        text = ("+++\n" + "\n".join(fields) + "\n+++\n\n" + body + "\n").encode()
        if self.photo is None:
            return {f"content/posts/{self.name}.md": text}
        return {
            f"content/posts/{self.name}/index.md": text,
            f"content/posts/{self.name}/foto.png": PHOTOS[self.photo],
        }


def _relative(source: PostSpec, target: str) -> str:
    return f"../{target}" if source.photo is not None else target


@dataclass(frozen=True, slots=True)
class SiteSpec:
    posts: tuple[PostSpec, ...]
    title: str = "Testtagebuch"
    paginate: int = 2
    tag_feeds: bool = True
    page_title: str = ""
    """An about page in the navigation, when not empty."""
    uses: str = ""
    """The purpose of the one thing in uses.toml, when not empty."""
    template: str = ""
    """The site's own theme's diary line, when not empty."""
    static: bytes = b""

    def files(self) -> dict[str, bytes]:
        toml = [
            f'title = "{self.title}"',
            'base_url = "https://example.org/"',
            'language = "de"',
            'timezone = "Europe/Berlin"',
            f"paginate = {self.paginate}",
        ]
        if self.template:
            toml.append('theme = "eigen"')
        toml += [
            "[diary]",
            "day_zero = 2011-10-08",
            "[feeds]",
            f"tags = {str(self.tag_feeds).lower()}",
        ]
        files = {"site.toml": ("\n".join(toml) + "\n").encode()}
        names = {p.name: p.target for p in self.posts if p.published}
        for p in self.posts:
            files.update(p.files(names))
        if self.page_title:
            files["content/pages/ueber.md"] = (
                f'+++\ntitle = "{self.page_title}"\nnav = true\n+++\n\nÜber uns.\n'
            ).encode()
        if self.uses:
            files["content/uses.toml"] = (
                '[[item]]\nname = "Falzbein"\ncategory = "Werkzeug"\n'
                f'purpose = "{self.uses}"\nsince = 2012-03-01\ncost = 12\nper = "once"\n'
                'currency = "EUR"\n'
            ).encode()
        if self.template:
            files["themes/eigen/theme.toml"] = b'extends = "default"\n'
            files["themes/eigen/templates/partials/diary_line.html"] = self.template.encode()
        if self.static:
            files["content/static/notiz.txt"] = self.static
        return files


def write(site: Path, spec: SiteSpec) -> None:
    """Make `site` hold exactly the spec's files, writing only those that changed."""
    wanted = spec.files()
    for path in [p for p in site.rglob("*") if p.is_file()]:
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("output/", ".sitegen-cache/")):
            continue
        if rel not in wanted:
            path.unlink()
    for rel, data in wanted.items():
        path = site / rel
        if path.exists() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for folder in sorted((p for p in site.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()) and folder.name != "posts":
            folder.rmdir()
    (site / "content" / "posts").mkdir(parents=True, exist_ok=True)


def fresh_copy(site: Path, to: Path) -> Path:
    """The site's sources alone in a new folder: no output, no cache."""
    shutil.copytree(site, to, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    return to


def build_at_now(site: Path) -> BuildReport:
    return build(BuildOptions(site_dir=site, now=NOW))


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def differences(one: dict[str, bytes], two: dict[str, bytes]) -> list[str]:
    """Output paths that differ between two trees, with what differs."""
    found = [f"only in the incremental build: {p}" for p in sorted(one.keys() - two.keys())]
    found += [f"only in the fresh build: {p}" for p in sorted(two.keys() - one.keys())]
    found += [f"differs: {p}" for p in sorted(one.keys() & two.keys()) if one[p] != two[p]]
    return found


# Strategies -----------------------------------------------------------------------

text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
SERIES = st.sampled_from(("", "", "Umzug", "Reise"))


@st.composite
def post_specs(draw: st.DrawFn, stem: str) -> PostSpec:
    date = draw(st.sampled_from(DATES))
    return PostSpec(
        name=f"{date}-{stem}",
        title=draw(text),
        has_time=draw(st.booleans()),
        location=draw(st.sampled_from(PLACES)),
        dream=draw(st.one_of(st.just(""), text)),
        tags=tuple(draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))),
        aliases=("/alt/",) if draw(st.booleans()) else (),
        draft=draw(st.integers(0, 5)) == 0,
        body=draw(text),
        photo=draw(st.sampled_from((None, None, 0, 1))),
        cover=draw(st.booleans()),
        series=draw(SERIES),
    )


@st.composite
def site_specs(draw: st.DrawFn) -> SiteSpec:
    count = draw(st.integers(1, 5))
    posts = [draw(post_specs(f"e{i}")) for i in range(count)]
    names = [p.name for p in posts]
    posts = [
        replace(
            p,
            links=tuple(draw(st.lists(st.sampled_from(names), max_size=1))),
            dream_link=draw(st.sampled_from(("", *names))) if p.dream else "",
        )
        for p in posts
    ]
    return SiteSpec(
        posts=tuple(posts),
        paginate=draw(st.integers(1, 3)),
        page_title=draw(st.sampled_from(("", "Über uns"))),
        uses=draw(st.sampled_from(("", "Falten"))),
        template=draw(st.sampled_from(("", TEMPLATE))),
    )


POST_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "series": SERIES,
    "title": text,
    "has_time": st.booleans(),
    "location": st.sampled_from(PLACES),
    "zone": st.sampled_from(("", "CEST")),
    "dream": st.one_of(st.just(""), text),
    "tags": st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
    "aliases": st.sampled_from(((), ("/alt/",), ("/alt/y/", "/alt/z.html"))),
    "draft": st.booleans(),
    "slug": st.sampled_from(("", "anders", "noch-anders")),
    "summary": st.one_of(st.just(""), text),
    "body": text,
    "photo": st.sampled_from((None, 0, 1)),
    "cover": st.booleans(),
}
SITE_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "title": text,
    "paginate": st.integers(1, 3),
    "tag_feeds": st.booleans(),
    "page_title": st.sampled_from(("", "Über uns", "Impressum")),
    "uses": st.sampled_from(("", "Falten", "Rillen")),
    "template": st.sampled_from(("", TEMPLATE, TEMPLATE.replace("MARK", "ZEICHEN"))),
    "static": st.sampled_from((b"", b"eins\n", b"zwei\n")),
}
