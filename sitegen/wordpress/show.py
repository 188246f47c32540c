"""The `[podcast]` section an imported podcast needs, from what the export says about the blog.

The import does not write it into site.toml: sitegen writes into content/ only (and its
output folder), and a section without an owner's e-mail or an Apple category would stop
every build. The report prints the section instead, filled from the export where it can,
with every value the export does not hold named as missing.
"""

from __future__ import annotations

from ..config import Config
from ..text import count
from .document import toml_value
from .wxr import Channel


def podcast_section(
    channel: Channel, config: Config, episodes: int, owner: str, artwork: str, why: str
) -> tuple[str, ...]:
    """Report lines: the section to add to site.toml, or nothing when none is needed.

    `artwork` is the blog's icon as copied into content/static/ ("" if not), `why` what
    keeps it from being the artwork.
    """
    if episodes == 0 or config.podcast is not None:
        return ()
    lines = [
        f"podcast: {count(episodes, 'episode')}, but /podcast.xml needs a [podcast] section in "
        "site.toml, which an import does not write; add this, filling in what is missing:",
        "  [podcast]",
    ]
    if channel.title:
        lines.append(f"  title = {toml_value(channel.title)}")
    if channel.description:
        lines.append(f"  description = {toml_value(channel.description)}")
    if artwork:
        lines.append(f"  image = {toml_value(artwork)}")
    else:
        lines.append(f'  # image = "cover.jpg"   # missing: {why}')
    lines.append('  # category = ""   # missing: the export holds no Apple category')
    if owner:
        lines.append(
            f'  owner = {{ name = {toml_value(owner)}, email = "" }}   '
            "# missing: the e-mail (an import never reads authors' addresses)"
        )
    else:
        lines.append('  # owner = { name = "", email = "" }   # missing: name and e-mail')
    language = channel.language.split("-")[0].lower()
    if language and language != config.language.split("-")[0].lower():
        lines.append(
            f"  (the export's language is {channel.language}; feeds use the site's, "
            f"{config.language}, from language in site.toml)"
        )
    return tuple(lines)
