"""The oracle: after any edit, an incremental build equals a fresh build of a copy, byte for byte.

Hypothesis makes small sites and sequences of the edits writers make; after every edit
the site is built in place (with its cache and its previous output) and a copy of its
sources is built in a new folder, and the two output trees must be identical.
`python3 bench/incremental_fuzz.py` runs the same machine for much longer.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from sitegen.errors import SitegenError

from .oracle import (
    DATES,
    POST_FIELDS,
    SITE_FIELDS,
    PostSpec,
    SiteSpec,
    build_at_now,
    differences,
    fresh_copy,
    post_specs,
    site_specs,
    tree,
    write,
)

EXAMPLES = int(os.environ.get("SITEGEN_ORACLE_EXAMPLES", "150"))
STEPS = int(os.environ.get("SITEGEN_ORACLE_STEPS", "6"))


def build_failure(site: Path) -> str:
    """Build the site; the error's message if it fails, else ""."""
    try:
        build_at_now(site)
    except SitegenError as e:
        return str(e)
    return ""


class IncrementalEqualsFresh(RuleBasedStateMachine):
    """A site edited again and again; each incremental build checked against a fresh one."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="sitegen-oracle-"))
        self.site = self.folder / "site"
        self.site.mkdir()
        self.spec = SiteSpec(posts=())
        self.rounds = itertools.count()
        self.stems = itertools.count(100)

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def check(self) -> None:
        write(self.site, self.spec)
        fresh = fresh_copy(self.site, self.folder / f"fresh-{next(self.rounds)}")
        before = tree(self.site / "output")
        failed = (build_failure(self.site), build_failure(fresh))
        if failed[0] or failed[1]:
            # Both fail alike (a generated clash of URLs), and the output stays as it was.
            assert failed[0] == failed[1].replace(str(fresh), str(self.site))
            assert tree(self.site / "output") == before
            shutil.rmtree(fresh)
            return
        found = differences(tree(self.site / "output"), tree(fresh / "output"))
        shutil.rmtree(fresh)
        assert not found, "\n".join(found)

    def _post(self, which: int) -> tuple[int, PostSpec] | None:
        if not self.spec.posts:
            return None
        index = which % len(self.spec.posts)
        return index, self.spec.posts[index]

    def _set_post(self, index: int, post: PostSpec) -> None:
        posts = list(self.spec.posts)
        posts[index] = post
        self.spec = replace(self.spec, posts=tuple(posts))

    @initialize(spec=site_specs())
    def start(self, spec: SiteSpec) -> None:
        self.spec = spec
        self.check()

    @rule(which=st.integers(0, 9), data=st.data(), name=st.sampled_from(sorted(POST_FIELDS)))
    def edit_post(self, which: int, data: st.DataObject, name: str) -> None:
        found = self._post(which)
        if found is None:
            return
        index, post = found
        self._set_post(index, replace(post, **{name: data.draw(POST_FIELDS[name], label=name)}))
        self.check()

    @rule(which=st.integers(0, 9), other=st.integers(0, 9), dream=st.booleans())
    def link(self, which: int, other: int, dream: bool) -> None:
        found, linked = self._post(which), self._post(other)
        if found is None or linked is None:
            return
        index, post = found
        if dream:
            post = replace(post, dream=post.dream or "Ein Traum", dream_link=linked[1].name)
        else:
            post = replace(post, links=(linked[1].name,))
        self._set_post(index, post)
        self.check()

    @rule(which=st.integers(0, 9), date=st.sampled_from(DATES))
    def rename(self, which: int, date: str) -> None:
        found = self._post(which)
        if found is None:
            return
        index, post = found
        name = f"{date}-{post.name[11:]}"
        if any(p.name == name for p in self.spec.posts):
            return
        # Links to the old name follow it, as a writer would fix them.
        posts = [
            replace(
                p,
                links=tuple(name if x == post.name else x for x in p.links),
                dream_link=name if p.dream_link == post.name else p.dream_link,
            )
            for p in self.spec.posts
        ]
        posts[index] = replace(posts[index], name=name)
        self.spec = replace(self.spec, posts=tuple(posts))
        self.check()

    @rule(data=st.data())
    def add_post(self, data: st.DataObject) -> None:
        post = data.draw(post_specs(f"n{next(self.stems)}"), label="post")
        self.spec = replace(self.spec, posts=(*self.spec.posts, post))
        self.check()

    @rule(which=st.integers(0, 9))
    def delete_post(self, which: int) -> None:
        found = self._post(which)
        if found is None:
            return
        posts = list(self.spec.posts)
        del posts[found[0]]
        self.spec = replace(self.spec, posts=tuple(posts))
        self.check()

    @rule(data=st.data(), name=st.sampled_from(sorted(SITE_FIELDS)))
    def edit_site(self, data: st.DataObject, name: str) -> None:
        value = data.draw(SITE_FIELDS[name], label=name)
        self.spec = replace(self.spec, **{name: value})
        self.check()


IncrementalEqualsFresh.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=os.environ.get("SITEGEN_ORACLE_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestIncrementalEqualsFresh = IncrementalEqualsFresh.TestCase


# Every difference the machine ever found, kept as a plain test.


def edited_equals_fresh(site: SiteSpec, edited: SiteSpec, folder: Path) -> None:
    """Build `site`, make it `edited`, build again: the output equals a fresh build's."""
    write(folder / "site", site)
    build_at_now(folder / "site")
    write(folder / "site", edited)
    build_at_now(folder / "site")
    fresh = fresh_copy(folder / "site", folder / "fresh")
    build_at_now(fresh)
    assert differences(tree(folder / "site/output"), tree(fresh / "output")) == []


def test_an_alias_page_shows_the_new_title(tmp_path: Path) -> None:
    post = PostSpec("2013-06-26-a", title="Alt", aliases=("/alt/a/",))
    site = SiteSpec(posts=(post,))
    edited_equals_fresh(site, replace(site, posts=(replace(post, title="Neu"),)), tmp_path)


def test_a_link_follows_its_target_to_its_new_address(tmp_path: Path) -> None:
    """A post's new slug reaches every page and feed that links to it, though the files
    that link to it stay as they were: a link's target is part of the linking page's input."""
    target = PostSpec("2013-06-26-ziel", title="Ziel")
    linking = PostSpec("2013-06-27-a", links=(target.name,))
    dreaming = PostSpec("2013-06-28-b", dream="Ein Traum", dream_link=target.name)
    site = SiteSpec(posts=(target, linking, dreaming))
    moved = replace(target, slug="anders")  # its URL: 2013/06/26/ziel-anders/
    edited_equals_fresh(site, replace(site, posts=(moved, linking, dreaming)), tmp_path)
    output = tmp_path / "site/output"
    for page in ("2013/06/27/a/index.html", "2013/06/28/b/index.html", "traeume/index.html"):
        text = (output / page).read_text(encoding="utf-8")
        assert 'href="/2013/06/26/ziel-anders/"' in text, page
        assert "/2013/06/26/ziel/" not in text, page
    assert "https://example.org/2013/06/26/ziel-anders/" in (output / "feed.xml").read_text()
