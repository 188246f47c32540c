"""The audit: prove from the built bytes that no output makes a browser contact another host.

Every HTML, CSS, SVG, XML and JSON-feed output is read once (sitegen.facts) and its
facts are kept by job key, so an unchanged output is not read again. A reference that
makes a browser contact another host is a build error unless site.toml allows that
host; the same facts give the transparency page its figures.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .barcharts import PageWeight
from .config import Config
from .errors import BuildErrors, SitegenError, display_path
from .facts import UNPROVEN, Facts, Reference, is_read, read_output
from .model import Figures, Job
from .parallel import parallel_map

log = logging.getLogger(__name__)

_CACHE_VERSION = 3


class FactsCache:
    """Facts of the last build's outputs, by output and job key (JSON, versioned)."""

    def __init__(self, text: str | None) -> None:
        self.known: dict[str, tuple[str, Facts]] = {}
        self.raw: dict[str, list[Any]] = {}
        """The entries as read, written back as they are when their output is unchanged."""
        try:
            data = json.loads(text) if text is not None else None
        except (ValueError, RecursionError):
            return
        if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
            return
        try:
            for output, entry in data.get("facts", {}).items():
                key, raw = entry
                self.known[output] = (str(key), _from_json(raw))
                self.raw[output] = entry
        except (TypeError, ValueError, KeyError, AttributeError):
            self.known, self.raw = {}, {}  # a damaged cache only costs time: all read again

    def text(self, jobs: Sequence[Job], facts: dict[str, Facts]) -> str | None:
        """The facts of these jobs as JSON to keep; None when what was kept says it all."""
        known = self.known
        if len(known) == len(jobs) and all(known.get(j.output, ("",))[0] == j.key for j in jobs):
            return None  # nothing was read again

        def entry(job: Job) -> list[Any]:
            kept = self.raw.get(job.output)
            return kept if kept and kept[0] == job.key else [job.key, _to_json(facts[job.output])]

        entries = {j.output: entry(j) for j in jobs}
        return json.dumps({"version": _CACHE_VERSION, "facts": entries}, separators=(",", ":"))


def _to_json(facts: Facts) -> list[object]:
    """Facts as a JSON list, field by field (dataclasses.asdict is ten times slower)."""
    return [
        facts.kind,
        facts.size,
        [[r.what, r.url, r.host, r.line] for r in facts.foreign],
        list(facts.loads),
        list(facts.scripts),
        facts.script_bytes,
        list(facts.links),
        facts.cookies,
        facts.referrer,
    ]


def _from_json(raw: Any) -> Facts:
    """Facts from `_to_json`'s list; a damaged entry raises TypeError or ValueError."""
    kind, size, foreign, loads, scripts, script_bytes, links, cookies, referrer = raw
    return Facts(
        str(kind),
        int(size),
        tuple(Reference(str(w), str(u), str(h), int(n)) for w, u, h, n in foreign),
        tuple(map(str, loads)),
        tuple(map(str, scripts)),
        int(script_bytes),
        tuple(map(str, links)),
        int(cookies),
        str(referrer),
    )


def facts_of(output: str, data: bytes, base_url: str) -> Facts:
    """The facts of an output's bytes; of a file the audit does not read, its size."""
    if not is_read(output):
        return Facts("other", len(data))
    return read_output(output, data, base_url)


def measure(
    jobs: Sequence[Job],
    locate: Callable[[str], Path],
    base_url: str,
    cache: FactsCache,
    made: dict[str, Facts] | None = None,
) -> dict[str, Facts]:
    """The facts of every output: `made` from its bytes as its job ran (`facts_of`), kept
    from the last build for an unchanged job, else read from the staged or old file."""
    made = made or {}
    facts: dict[str, Facts] = {}
    todo: list[Job] = []
    for job in jobs:
        known = cache.known.get(job.output)
        if job.output in made:
            facts[job.output] = made[job.output]
        elif known is not None and known[0] == job.key:
            facts[job.output] = known[1]
        else:
            todo.append(job)

    def read(job: Job) -> Facts:
        return facts_of(job.output, locate(job.output).read_bytes(), base_url)

    for job, result in zip(todo, parallel_map(read, todo, label="auditing"), strict=True):
        facts[job.output] = result
    return facts


def check(jobs: Sequence[Job], facts: dict[str, Facts], config: Config, out_dir: Path) -> None:
    """Raise naming every reference to a host that site.toml does not allow."""
    allowed = frozenset(config.audit.allow)
    errors = [
        error
        for job in jobs
        for error in _violations(job.output, facts[job.output], allowed, out_dir, job.source)
    ]
    if errors:
        unproven = sum(facts[j.output].unproven for j in jobs)
        errors.append(SitegenError(_advice(len(errors) - unproven, unproven)))
        raise BuildErrors(errors)


def check_folder(out_dir: Path, config: Config) -> list[SitegenError]:
    """Audit a built site as it lies on disk (for `sitegen check`): each violation, sorted."""
    allowed = frozenset(config.audit.allow)
    errors: list[SitegenError] = []
    for root, dirs, names in os.walk(out_dir):
        dirs[:] = sorted(d for d in dirs if not (root == str(out_dir) and d.startswith(".")))
        for name in sorted(names):
            output = os.path.relpath(os.path.join(root, name), out_dir).replace(os.sep, "/")
            if is_read(output):
                facts = read_output(output, (out_dir / output).read_bytes(), config.base_url)
                errors += _violations(output, facts, allowed, out_dir, None)
    return errors


def _violations(
    output: str, facts: Facts, allowed: frozenset[str], out_dir: Path, source: str | None
) -> Iterator[SitegenError]:
    made = f" (made from {source})" if source else ""
    for ref in facts.foreign:
        if ref.host == UNPROVEN:
            # Fails closed: what the audit cannot vouch for is an error, whatever is allowed.
            message = f"{ref.what}{made}"
        elif ref.host in allowed:
            continue
        else:
            message = f"{ref.what} makes the browser contact {ref.host}: {ref.url}{made}"
        yield SitegenError(message, display_path(out_dir / output), ref.line)


def _advice(foreign: int, unproven: int) -> str:
    parts = []
    if foreign:
        parts.append(
            f"{foreign} reference{'s' * (foreign != 1)} to other hosts: no page may load anything "
            "from elsewhere; link to it instead, or allow the host in site.toml under "
            '[audit] allow = ["host"]'
        )
    if unproven:
        parts.append(
            f"{unproven} thing{'s' * (unproven != 1)} the audit cannot vouch for: it fails "
            "closed, so remove or replace them (scripts, unknown elements, attributes or CSS)"
        )
    return "; ".join(parts)


def summarize(facts: dict[str, Facts]) -> Figures:
    """The site's figures for the transparency page, from the facts of every output.

    Only an audited site has figures: anything the audit could not vouch for would make
    them claim less than a browser does, so it raises instead.
    """
    unproven = sorted(o for o, f in facts.items() if f.unproven)
    if unproven:
        raise SitegenError(f"{unproven[0]}: not audited, so the site has no honest figures")
    pages = {o: f for o, f in facts.items() if f.kind == "page"}
    parts = page_weights(sorted(pages), facts)
    weights = sorted((p.total, p.path) for p in parts)
    hosts: Counter[str] = Counter()
    links: Counter[str] = Counter()
    for f in facts.values():
        if f.foreign:
            hosts.update(r.host for r in f.foreign)
        if f.links and f.kind == "page":
            links.update(f.links)
    script = [
        f.script_bytes + sum(facts[s].size for s in f.scripts if s in facts) for f in pages.values()
    ]
    return Figures(
        pages=len(pages),
        feeds=sum(1 for f in facts.values() if f.kind == "feed"),
        redirects=sum(1 for f in facts.values() if f.kind == "redirect"),
        requests=sum(hosts.values()),
        request_hosts=tuple(sorted(hosts.items())),
        cookies=sum(f.cookies for f in facts.values()),
        script_max=max(script, default=0),
        weight_median=int(statistics.median(w for w, _ in weights)) if weights else 0,
        weight_max=weights[-1][0] if weights else 0,
        heaviest=weights[-1][1] if weights else "",
        link_domains=tuple(sorted(links.items(), key=lambda item: (-item[1], item[0]))),
        no_referrer=sum(1 for f in pages.values() if f.referrer == "no-referrer"),
        page_weights=parts,
    )


# What a page loads, by kind, told by the file's ending (the audit proved the site's own).
_KINDS = {
    **dict.fromkeys((".css", ".woff", ".woff2", ".ttf", ".otf"), "css"),
    **dict.fromkeys((".avif", ".webp", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".ico"), "images"),
    **dict.fromkeys((".html", ".htm", ".js", ".mjs"), "html"),
}


def page_weights(pages: Sequence[str], facts: dict[str, Facts]) -> tuple[PageWeight, ...]:
    """What each page loads, by kind: as `_weight` says, with what pages load alike (the
    stylesheet and its fonts, the icon) added up once for all of them."""
    shared: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[set[str], dict[str, int]]] = {}
    weights = []
    for output in pages:
        page = facts[output]
        key = (page.loads, page.scripts)
        found = shared.get(key)
        if found is None:
            found = shared[key] = _walk((*page.loads, *page.scripts), facts)
        seen, loaded = found
        if output in seen:  # it loads itself, through another file: counted once
            weights.append(_weight(output, facts))
            continue
        sizes = dict(loaded)
        sizes[_kind(output)] += page.size
        weights.append(PageWeight(output, **sizes))
    return tuple(weights)


def _walk(start: Iterable[str], facts: dict[str, Facts]) -> tuple[set[str], dict[str, int]]:
    """The files reached from `start` (each once), and their bytes by kind."""
    sizes = {"html": 0, "css": 0, "images": 0, "media": 0}
    todo = list(dict.fromkeys(start))
    seen = set(todo)
    while todo:
        path = todo.pop()
        current = facts.get(path)
        if current is None:
            continue
        sizes[_kind(path)] += current.size
        for load in (*current.loads, *current.scripts):
            if load not in seen:
                seen.add(load)
                todo.append(load)
    return seen, sizes


def _kind(path: str) -> str:
    if path.endswith(".html"):  # nearly every page: no need to split the name
        return "html"
    return _KINDS.get(os.path.splitext(path)[1].lower(), "media")


def _weight(output: str, facts: dict[str, Facts]) -> PageWeight:
    """The page and every file of the site it loads (stylesheets' own loads too), each once.

    Stylesheets count with their fonts, scripts with the page, and audio, video and
    anything else the page makes a browser fetch as media.
    """
    return PageWeight(output, **_walk([output], facts)[1])
