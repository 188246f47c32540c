"""The build's stages, in order, for a site with something to build: read everything,
assemble the site, plan every output, then write only what changed.

`build.build` comes here only when its stamp says something changed, so a build with
nothing to do never imports the stages (half of what a run of sitegen imports).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import fields, replace
from pathlib import Path

from . import audit, output, stamp, swap
from .assemble import assemble
from .cache import Entry, ParseCache, forget_others, setting
from .config import Config
from .discover import discover
from .errors import BuildErrors, SitegenError
from .images import keep_cache, make_images, plan_images
from .inputs import Prints
from .markdown import Typography
from .model import Document, Post
from .parallel import Background, parallel_map
from .parse import parse_document
from .places import gazetteer_version, lookup, read_points
from .podcast import plan_episodes
from .preview import Preview
from .related import Relations, read_relations, relate, relation_digest
from .render import Plan
from .report import BuildReport
from .store import Store
from .text import digest
from .theme import Theme
from .uses import load_uses

log = logging.getLogger(__name__)


def run(
    config: Config,
    theme: Theme,
    store: Store,
    out_dir: Path,
    tree: str,
    inputs: str,
    now: dt.datetime,
    today: dt.date,
    drafts: bool,
    cleanup: contextlib.ExitStack,
    started: float,
    keep: Callable[[Preview], None] | None = None,
) -> BuildReport:
    """Build the site into `out_dir`; `inputs` is the fingerprint its stamp will keep, and
    `started` the `time.perf_counter()` the build began at. `keep` is given what previews
    the next save, once this build is in place (the dev server's)."""
    site_dir = config.site_dir
    # The new tree is made in the one the last build swapped out (the spare), claimed now
    # and given back if the build fails. Both trees are listed on another core while this
    # one plans (a folder a page: a third of a second each at 10,000 posts).
    staging = swap.new_staging(out_dir)
    cleanup.callback(output.release, staging)
    listed = cleanup.enter_context(Background(functools.partial(output.trees, out_dir, staging)))
    inventory = discover(config)

    strings = theme.strings_for(config.language)
    typography = Typography(
        **{f.name: strings[f.name] for f in fields(Typography) if f.name in strings}
    )
    # Where the site is does not change what its documents parse to.
    parse_setting = setting(repr(replace(config, site_dir=Path())), repr(typography))
    bodies = functools.partial(store.bodies, parse_setting)
    cache = ParseCache(store.posts(parse_setting), parse_setting, bodies)
    documents, parsed = _parse_all(inventory.documents, config, typography, cache)
    present = {d.source.rel for d in inventory.documents}
    store.put_posts(cache.pending, present, parse_setting)
    forget_others(present)
    prints = Prints(cache.prints, site_dir, _kept_prints(store.get("derived")))

    uses = load_uses(config, today)
    relations = functools.partial(_kept_relations, store)
    points = functools.partial(_kept_points, store)
    with uncollected():
        site = assemble(config, documents, now, drafts, uses, relations, points)
    episodes = plan_episodes(site)
    images = plan_images(site, store.folder / "images", store.get("images"))
    make_images(images, progress=_progress_bar("images") if sys.stderr.isatty() else None)
    with uncollected():
        planned = Plan(site, theme, inventory, images.pictures, episodes, prints)
    jobs = sorted([*planned.jobs, *images.jobs], key=lambda j: j.output)
    output.check_plan(jobs)
    manifest = store.get(f"outputs:{tree}")
    # The audit's facts are read from each new output's bytes where the job made them.
    facts_of = functools.partial(audit.facts_of, base_url=config.base_url)
    staged = output.produce(
        jobs, out_dir, manifest, folder=staging, listed=listed.result, measure=facts_of
    )
    facts_name = f"facts:{tree}:{config.base_url}"
    with uncollected():
        facts_cache = audit.FactsCache(store.get(facts_name))
    store.close()  # all read: what the build learns is written by `commit`
    try:
        # The audit reads this build's bytes before any of them is moved into place.
        facts = audit.measure(jobs, staged.locate, config.base_url, facts_cache, staged.measured)
        audit.check(jobs, facts, config, out_dir)
        # Second round: pages made from the figures of the first (the transparency page).
        with uncollected():
            measured = planned.measured(audit.summarize(facts))
        output.check_plan(measured, checked=jobs)
        staged = output.produce(measured, out_dir, manifest, joining=staged, measure=facts_of)
        made = staged.measured
        facts.update(audit.measure(measured, staged.locate, config.base_url, facts_cache, made))
        audit.check(measured, facts, config, out_dir)
    except BaseException:
        output.discard(staged)
        raise
    jobs = sorted([*jobs, *measured], key=lambda j: j.output)
    # From the swap on, no stamp or manifest of the old tree may vouch for the new one.
    forget = functools.partial(store.forget_now, f"stamp:{tree}", f"outputs:{tree}")
    report = output.write(jobs, staged, out_dir, forget)
    store.put(f"outputs:{tree}", output.manifest_text(jobs))
    facts_text = facts_cache.text(jobs, facts)
    if facts_text is not None:
        store.put(facts_name, facts_text)
    store.put("images", keep_cache(images))
    if prints.derived != prints.kept:
        store.put("derived", json.dumps(prints.derived, separators=(",", ":")))
    figures = {
        "posts": len(site.posts),
        "pages": len(site.pages),
        "skipped_drafts": site.skipped_drafts,
        "skipped_future": site.skipped_future,
        "cleaned_links": sum(p.cleaned_links for p in (*site.posts, *site.pages)),
    }
    span = stamp.Span.of(documents, now, today if uses else None)
    outputs = tuple(j.output for j in jobs)
    store.put(
        f"stamp:{tree}", stamp.dumps(stamp.Stamp(inputs, span, outputs, figures, site.warnings))
    )
    store.commit()  # everything this build learnt, in one transaction, once the output is in place
    if keep is not None:
        keep(Preview(config, typography, planned, inventory.documents, out_dir))
    return BuildReport(
        out_dir=out_dir,
        outputs=len(jobs),
        written=report.written,
        unchanged=report.unchanged,
        pruned=report.pruned,
        parsed=parsed,
        seconds=time.perf_counter() - started,
        warnings=site.warnings,
        **figures,
    )


def _parse_all(
    documents: tuple[Document, ...], config: Config, typography: Typography, cache: ParseCache
) -> tuple[list[Post], int]:
    """Parse every document not in the cache, on all cores; report every broken one at once."""
    parsed: dict[str, Post] = {}
    todo: list[Document] = []
    cache.read_bodies(documents)
    with uncollected():
        for document in documents:
            post = cache.lookup(document)
            if post is None:
                todo.append(document)
            else:
                parsed[document.source.rel] = post

    def parse(document: Document) -> tuple[Post, Entry] | SitegenError:
        try:
            post = parse_document(document, config, typography)
        except SitegenError as e:
            return e
        return post, cache.entry(document, post)

    errors: list[SitegenError] = []
    for document, result in zip(todo, parallel_map(parse, todo, label="parsing"), strict=True):
        if isinstance(result, SitegenError):
            errors.append(result)
        else:
            parsed[document.source.rel] = result[0]
            cache.store(result[1])
    if errors:
        raise BuildErrors(errors)
    return [parsed[d.source.rel] for d in documents], len(todo)


@contextlib.contextmanager
def uncollected() -> Iterator[None]:
    """Pause the cycle collector while thousands of objects are made that all live on (posts
    read back from the store, page inputs): it would walk them again and again and find
    nothing to free (a fifth of an incremental build at 10,000 posts).

    What was made lives to the end of the build, so it is set aside before the collector
    runs again (`build` gives it back): neither the next collection, which would walk it
    all once more, nor forked workers' collectors (which would copy every page of memory
    they touch) see it.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if paused:
            gc.enable()


def _progress_bar(label: str) -> Callable[[int, int], None]:
    """A one-line bar on stderr for long work (only asked for on a terminal)."""

    def show(done: int, total: int) -> None:
        if total < 8:
            return
        filled = 30 * done // total
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def _kept_prints(data: str | None) -> dict[str, str]:
    """The prints of values made from posts, as the last build kept them (see
    `Prints.of_post`); anything not a table of texts is dropped and printed again."""
    try:
        table = json.loads(data) if data else {}
    except (ValueError, RecursionError):
        return {}
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        return {}
    return table


def _kept_relations(store: Store, posts: tuple[Post, ...]) -> Relations:
    """Related entries as the last build found them, unless what they are made of changed.

    They depend on the posts' keys, dates, places, series and tags only, so an edit of a
    body (the common case) reuses them; finding them again costs seconds in a large diary.
    """
    return store.remembered(
        "related",
        relation_digest(posts),
        lambda data: read_relations(data, len(posts)),
        lambda: relate(posts),
        lambda found: [[i, *found[i]] for i in sorted(found)],
    )


def _kept_points(store: Store, names: frozenset[str]) -> dict[str, tuple[float, float]]:
    """The gazetteer's points for the place names, as the last build found them if it was
    asked for the same names of the same gazetteer (loading it takes most of a second)."""
    return store.remembered(
        "places",
        digest(gazetteer_version(), *sorted(names)),
        lambda data: read_points(data, names),
        lambda: lookup(names),
        lambda found: {name: list(point) for name, point in sorted(found.items())},
    )
