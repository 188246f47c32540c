#!/usr/bin/env python3
"""Benchmark sitegen against Hugo and Pelican on the same generated corpus.

    python3 bench/run.py [--sizes 1000,10000] [--runs 3]
                         [--tools sitegen,hugo,hugo-lean,pelican]
                         [--workdir /tmp/sitegen-bench] [--markdown bench/RESULTS.md]

For every size the shared corpus is made once with shared/bench/make_corpus.py
(cached in the work directory), then converted for Hugo (TOML front matter kept,
plus a slug) and for Pelican (Markdown metadata lines). Hugo runs in two
configurations: "hugo" (listings show each post's summary) and "hugo-lean" (the
same pages, but listings show only title, date and link). Every tool then does, in
each run: a cold build (output and caches deleted, `sync`, 2 s pause, then the
clock starts), a no-change rebuild right after it, a one-edit rebuild (one
sentence appended to one post's body) and a second edit of the same kind: the
first build after a cold one may do work once (sitegen makes its second output
tree then), the second is what every later save of a writing session costs. The
table reports the median over runs.

Standard library only; it shells out to the tools, /usr/bin/time and sync.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_SCRIPT = ROOT.parent / "shared" / "bench" / "make_corpus.py"
GNU_TIME = "/usr/bin/time"
TOOLS = ("sitegen", "hugo", "hugo-lean", "pelican")
# The program each configuration runs, where it is not the tool's own name.
PROGRAM = {"hugo-lean": "hugo"}
PHASES = ("cold", "nochange", "edit", "edit2")
LABELS = ("cold", "no-change", "one-edit", "second edit")
COLD_PAUSE_S = 2.0
# The corpus runs one post a day from 2011 on, so at 10,000 posts most lie in the future
# (and at 100,000 they reach the 2280s). Every tool is told to publish them all, so that
# N posts means N pages; `main` checks that none is dated after this.
FAR_FUTURE = "32503680000"  # 3000-01-01, as SOURCE_DATE_EPOCH for sitegen
PER_PAGE = 10
FEED_ITEMS = 20


# ---------------------------------------------------------------- corpus


@dataclass
class Post:
    rel: str  # path under content/posts/, e.g. "2013-06-26-foo.md" or "2013-06-26-foo/index.md"
    name: str  # "2013-06-26-foo"
    slug: str  # "foo"
    front: str  # raw TOML between the +++ lines
    meta: dict  # parsed TOML
    body: str  # Markdown after the front matter

    @property
    def date(self) -> dt.datetime:
        return self.meta["date"]

    def url_path(self) -> str:
        d = self.date
        return f"{d:%Y}/{d:%m}/{d:%d}/{self.slug}/index.html"


FRONT_RE = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n(.*)\Z", re.S)


def ensure_corpus(size: int, workdir: Path, script: Path) -> Path:
    site = workdir / "corpus" / str(size)
    done = workdir / "corpus" / f"{size}.done"
    if done.exists() and (site / "site.toml").exists():
        return site
    if site.exists():
        shutil.rmtree(site)
    site.parent.mkdir(parents=True, exist_ok=True)
    print(f"  generating corpus of {size} posts in {site}", flush=True)
    subprocess.run(
        [sys.executable, str(script), str(size), str(site)], check=True, stdout=subprocess.DEVNULL
    )
    done.write_text(f"{size}\n")
    return site


def read_posts(corpus: Path) -> list[Post]:
    posts_dir = corpus / "content" / "posts"
    files = sorted(list(posts_dir.glob("*.md")) + list(posts_dir.glob("*/index.md")))
    posts = []
    for f in files:
        rel = f.relative_to(posts_dir).as_posix()
        name = f.parent.name if f.name == "index.md" else f.stem
        m = FRONT_RE.match(f.read_text(encoding="utf-8"))
        if not m:
            raise SystemExit(f"{f}:1: no TOML front matter between +++ lines")
        front, body = m.group(1), m.group(2)
        slug = name[11:] if re.match(r"\d{4}-\d\d-\d\d-", name) else name
        posts.append(Post(rel, name, slug, front, tomllib.loads(front), body))
    return posts


# ---------------------------------------------------------------- tool setups


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Setup:
    tool: str
    root: Path  # everything of this tool for this size lives here
    out: Path  # output directory
    caches: list[Path]  # deleted before a cold build
    cmd: list[str]
    cwd: Path
    edit_file: Path  # the tool's copy of the edited post
    edit_original: str = ""
    expected: str = ""  # output path (relative) of the edited post


def setup_sitegen(root: Path, corpus: Path, posts: list[Post], edit: Post) -> Setup:
    site = root / "site"
    shutil.copytree(corpus, site)
    return Setup(
        "sitegen",
        root,
        root / "out",
        [site / ".sitegen-cache"],
        [
            "env",
            # As an installed sitegen runs: from compiled bytecode (pip writes it), even where
            # the shell says not to write any (which would compile every module each run).
            "-u",
            "PYTHONDONTWRITEBYTECODE",
            f"SOURCE_DATE_EPOCH={FAR_FUTURE}",
            "sitegen",
            "build",
            "--site",
            str(site),
            "--out",
            str(root / "out"),
        ],
        root,
        site / "content" / "posts" / edit.rel,
    )


HUGO_SINGLE = """<!doctype html>
<html lang="{{ site.LanguageCode }}"><head><meta charset="utf-8">
<title>{{ .Title }} | {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | absURL }}">{{ site.Title }}</a></header>
<article>
<h1>{{ .Title }}</h1>
<p class="diary">{{ with .Params.location }}{{ . }}, {{ end }}
<time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">
{{- .Date.Format "2.1.2006, 15:04" }}</time>{{ with .Params.day }}, Tag {{ . }}{{ end }}</p>
{{ with .Params.dream }}<aside class="dream">{{ . | markdownify }}</aside>{{ end }}
{{ .Content }}
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>
</body></html>
"""

HUGO_LIST = """<!doctype html>
<html lang="{{ site.LanguageCode }}"><head><meta charset="utf-8">
<title>{{ .Title }} | {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | absURL }}">{{ site.Title }}</a></header>
<h1>{{ .Title }}</h1>
{{ $pag := .Paginate .Pages }}
{{ range $pag.Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2.1.2006" }}</time>
{{ .Summary }}</article>
{{ end }}
<nav>{{ with $pag.Prev }}<a href="{{ .URL }}">newer</a>{{ end }}
{{ $pag.PageNumber }}/{{ $pag.TotalPages }}
{{ with $pag.Next }}<a href="{{ .URL }}">older</a>{{ end }}</nav>
</body></html>
"""

HUGO_HOME = HUGO_LIST.replace(
    "{{ $pag := .Paginate .Pages }}",
    '{{ $pag := .Paginate (where site.RegularPages "Section" "posts") }}',
)

# "hugo-lean": the same listings (home, tag pages) without the summaries, so each
# entry is its title, date and link. The pages written are the same as "hugo"'s.
HUGO_LEAN_LIST = HUGO_LIST.replace("\n{{ .Summary }}</article>", "</article>")
HUGO_LEAN_HOME = HUGO_HOME.replace("\n{{ .Summary }}</article>", "</article>")
assert ".Summary" not in HUGO_LEAN_LIST + HUGO_LEAN_HOME

HUGO_TAXONOMY = """<!doctype html>
<html lang="{{ site.LanguageCode }}"><head><meta charset="utf-8">
<title>{{ .Title }} | {{ site.Title }}</title></head>
<body>
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>
</body></html>
"""


def setup_hugo(
    root: Path, corpus: Path, posts: list[Post], edit: Post, lean: bool = False
) -> Setup:
    """Hugo's site for the corpus; `lean` writes listings without summaries."""
    site = root / "site"
    cfg = tomllib.loads((corpus / "site.toml").read_text(encoding="utf-8"))
    (site / "content" / "posts").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        f"""baseURL = {toml_str(cfg.get("base_url", "https://example.org/"))}
title = {toml_str(cfg.get("title", "Benchmark"))}
languageCode = {toml_str(cfg.get("language", "de"))}
timeZone = {toml_str(cfg.get("timezone", "Europe/Berlin"))}
paginate = {PER_PAGE}
rssLimit = {FEED_ITEMS}
cacheDir = {toml_str(str(root / "hugo_cache"))}
disableKinds = ["section"]
enableRobotsTXT = false

[permalinks]
posts = "/:year/:month/:day/:slug/"

[taxonomies]
tag = "tags"

[outputs]
home = ["HTML", "RSS"]
taxonomy = ["HTML"]
term = ["HTML"]
""",
        encoding="utf-8",
    )
    layouts = site / "layouts"
    (layouts / "_default").mkdir(parents=True)
    (layouts / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    listing, home = (HUGO_LEAN_LIST, HUGO_LEAN_HOME) if lean else (HUGO_LIST, HUGO_HOME)
    (layouts / "_default" / "list.html").write_text(listing, encoding="utf-8")
    (layouts / "_default" / "term.html").write_text(listing, encoding="utf-8")
    (layouts / "_default" / "taxonomy.html").write_text(HUGO_TAXONOMY, encoding="utf-8")
    (layouts / "index.html").write_text(home, encoding="utf-8")
    for p in posts:
        dest = site / "content" / "posts" / p.rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Same TOML front matter, same body; only the slug is spelled out so that
        # Hugo's URL uses the file name's slug as sitegen does.
        dest.write_text(
            f"+++\n{p.front}\nslug = {toml_str(p.slug)}\n+++\n{p.body}", encoding="utf-8"
        )
    return Setup(
        "hugo-lean" if lean else "hugo",
        root,
        root / "out",
        [root / "hugo_cache", site / "resources"],
        ["hugo", "--buildFuture", "--source", str(site), "--destination", str(root / "out")],
        site,
        site / "content" / "posts" / edit.rel,
    )


def pelican_meta_line(key: str, value: str) -> str:
    return f"{key}: {' '.join(str(value).split())}"


def setup_pelican(root: Path, corpus: Path, posts: list[Post], edit: Post) -> Setup:
    site = root / "site"
    content = site / "content"
    (content / "posts").mkdir(parents=True)
    cfg = tomllib.loads((corpus / "site.toml").read_text(encoding="utf-8"))
    (site / "pelicanconf.py").write_text(
        f"""# written by bench/run.py
SITENAME = {cfg.get("title", "Benchmark")!r}
SITEURL = {cfg.get("base_url", "https://example.org/").rstrip("/")!r}
AUTHOR = {cfg.get("author", {}).get("name", "Bench")!r}
TIMEZONE = {cfg.get("timezone", "Europe/Berlin")!r}
DEFAULT_LANG = {cfg.get("language", "de")!r}
PATH = {str(content)!r}
OUTPUT_PATH = {str(root / "out")!r}
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
RELATIVE_URLS = False

# Same URLs as sitegen's default permalink.
ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
DEFAULT_PAGINATION = {PER_PAGE}
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)
# Pages the other tools do not write: no category or author pages.
CATEGORY_SAVE_AS = ""
CATEGORY_URL = ""
AUTHOR_SAVE_AS = ""
AUTHOR_URL = ""

# Future-dated posts are published, as the other tools are told to (see FAR_FUTURE).
WITH_FUTURE_DATES = True
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""

# One site feed, like the others' defaults.
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_MAX_ITEMS = {FEED_ITEMS}
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

# Content cache: a cold build starts with none and writes it; rebuilds load it.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = {str(root / "cache")!r}
""",
        encoding="utf-8",
    )
    for p in posts:
        m = p.meta
        lines = [
            pelican_meta_line("Title", m["title"]),
            pelican_meta_line("Date", m["date"].isoformat()),  # keeps the offset
            pelican_meta_line("Slug", p.slug),
            # the folder name, as Pelican's USE_FOLDER_AS_CATEGORY would give; its
            # default theme needs a category, but no category page is written
            pelican_meta_line("Category", "posts"),
        ]
        if m.get("tags"):
            lines.append(pelican_meta_line("Tags", ", ".join(m["tags"])))
        for key in ("location", "day", "dream"):
            if key in m:
                lines.append(pelican_meta_line(key.capitalize(), m[key]))
        (content / "posts" / f"{p.name}.md").write_text(
            "\n".join(lines) + "\n" + p.body, encoding="utf-8"
        )
    return Setup(
        "pelican",
        root,
        root / "out",
        [root / "cache"],
        ["pelican", str(content), "-s", str(site / "pelicanconf.py"), "-o", str(root / "out")],
        site,
        content / "posts" / f"{edit.name}.md",
    )


def setup_hugo_lean(root: Path, corpus: Path, posts: list[Post], edit: Post) -> Setup:
    return setup_hugo(root, corpus, posts, edit, lean=True)


SETUPS = {
    "sitegen": setup_sitegen,
    "hugo": setup_hugo,
    "hugo-lean": setup_hugo_lean,
    "pelican": setup_pelican,
}


# ---------------------------------------------------------------- measuring


def tree_pids(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return pids


def tree_pss_kb(root: int) -> int:
    """Proportional set size of the whole process tree (shared pages counted once)."""
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


@dataclass
class Result:
    ok: bool
    wall: float = 0.0
    maxrss_mb: float = 0.0  # GNU time: largest single process
    tree_mb: float = 0.0  # sampled sum of PSS over the process tree
    cpu: float = 0.0  # user + system seconds of the process tree (0 if unknown)
    error: str = ""


def measure(cmd: list[str], cwd: Path, log: Path, interval: float, timeout: float) -> Result:
    use_time = os.access(GNU_TIME, os.X_OK)
    tfile = log.with_suffix(".time")
    full = [GNU_TIME, "-v", "-o", str(tfile), *cmd] if use_time else cmd
    before = _children_maxrss_kb()
    peak = 0
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(
                full, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        except OSError as e:
            return Result(False, error=str(e))
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, tree_pss_kb(proc.pid))
                stop.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        if interval > 0:
            sampler.start()
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = None
        wall = time.perf_counter() - t0
        stop.set()
        if interval > 0:
            sampler.join()
    maxrss_kb, cpu = 0, 0.0
    if use_time and tfile.exists():
        tv = tfile.read_text(errors="replace")
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv)
        maxrss_kb = int(m.group(1)) if m else 0
        cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", tv))
    if not maxrss_kb:
        # RUSAGE_CHILDREN is a high-water mark over all children so far: only
        # usable when this child raised it.
        after = _children_maxrss_kb()
        maxrss_kb = after if after > before else 0
    res = Result(rc == 0, wall, maxrss_kb / 1024, peak / 1024, cpu)
    if rc is None:
        res.error = f"timed out after {timeout:.0f} s"
    elif rc != 0:
        lines = [
            " ".join(x.split()) for x in log.read_text(errors="replace").splitlines() if x.strip()
        ]
        hits = [x for x in lines if re.search(r"error|critical|exception", x, re.I)]
        msg = (hits or lines or ["no output"])[-1]
        res.error = f"exit {rc}: {msg[:200]}"
    return res


def _children_maxrss_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def remove(path: Path, workdir: Path) -> None:
    path = path.resolve()
    if workdir.resolve() not in path.parents:
        raise RuntimeError(f"refusing to delete {path}: not under {workdir}")
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def count_html(out: Path) -> int:
    n = 0
    for _, _, files in os.walk(out):
        n += sum(1 for f in files if f.endswith(".html"))
    return n


def edit_visible(out: Path, expected: str, slug: str, marker: str) -> bool:
    f = out / expected
    if f.exists():
        return marker in f.read_text(encoding="utf-8", errors="replace")
    for dirpath, _, files in os.walk(out):  # the tool chose another URL: look by slug
        if slug in dirpath or any(slug in x for x in files):
            for x in files:
                if x.endswith(".html") and marker in (Path(dirpath) / x).read_text(
                    encoding="utf-8", errors="replace"
                ):
                    return True
    return False


# ---------------------------------------------------------------- facts and report


def version_of(tool: str) -> str:
    if not shutil.which(tool):
        return "not installed"
    args = {"hugo": ["hugo", "version"]}.get(tool, [tool, "--version"])
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=60)
        text = (r.stdout or r.stderr).strip().splitlines()
        return (
            text[0]
            if r.returncode == 0 and text
            else f"unknown (`{' '.join(args)}` exit {r.returncode})"
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unknown ({e})"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_facts(tools: list[str]) -> dict:
    facts = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "CPU": cpu_model(),
        "memory": _mem_total(),
        "OS": platform.platform(),
        "Python (harness)": platform.python_version(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    for program in dict.fromkeys(PROGRAM.get(t, t) for t in tools):
        facts[program] = version_of(program)
    return facts


def _mem_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


@dataclass
class Row:
    size: int
    tool: str
    status: str = "ok"  # ok | not installed | failed: ...
    runs: dict = field(default_factory=lambda: {p: [] for p in PHASES})
    cpu: dict = field(default_factory=lambda: {p: [] for p in PHASES})
    maxrss: list = field(default_factory=list)
    tree: list = field(default_factory=list)
    html: int = 0
    notes: list = field(default_factory=list)

    def med(self, phase: str) -> float | None:
        return statistics.median(self.runs[phase]) if self.runs[phase] else None

    def med_of(self, xs: list) -> float | None:
        return statistics.median(xs) if xs else None


def fmt_s(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def fmt_mb(x: float | None) -> str:
    return "–" if not x else f"{x:.0f}"


def ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f}×"


def pick(r: Row | None, measure: str) -> float | None:
    if r is None or not r.runs["cold"]:
        return None
    if measure in PHASES:
        return r.med(measure)
    return r.med_of(r.maxrss if measure == "peak" else r.tree)


def report(
    rows: list[Row], facts: dict, args: argparse.Namespace, published: dict[int, int]
) -> str:
    out = [f"## sitegen benchmark, {facts['date']}", ""]
    out.append(
        "Command: `python3 bench/run.py "
        f"--sizes {args.sizes} --runs {args.runs} --tools {args.tools}`  "
    )
    out.append(
        f"Times are wall-clock seconds, median of {args.runs} run(s). "
        f"**Cold**: output and all caches deleted, then `sync` and a {COLD_PAUSE_S:.0f} s pause "
        "before the clock starts (the OS file cache is not dropped). **No-change**: the same build "
        "again at once. **One-edit**: one sentence appended to one post's body, then a build; "
        "**second edit**: another sentence, another build (what each later save costs). "
        "**Peak MB**: largest single process (`/usr/bin/time -v` maximum resident set size); "
        "**tree MB**: sampled peak of the proportional set size summed over the whole process "
        "tree (counts worker processes). Both are the maximum over the four builds. "
        "**Cold CPU s**: user + system seconds of the cold build (wall time well above it "
        "on one core means waiting; "
        "below it means several cores were used)."
    )
    out.append("")
    out.append(
        "| size | tool | cold s | no-change s | one-edit s | second edit s "
        "| peak MB | tree MB | cold CPU s | HTML files | notes |"
    )
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        if r.status != "ok" and not r.runs["cold"]:
            status = r.status.replace("|", "\\|")
            out.append(f"| {r.size} | {r.tool} | – | – | – | – | – | – | – | – | {status} |")
            continue
        notes = "; ".join(([] if r.status == "ok" else [r.status]) + r.notes).replace("|", "\\|")
        out.append(
            f"| {r.size} | {r.tool} | {fmt_s(r.med('cold'))} | {fmt_s(r.med('nochange'))} | "
            f"{fmt_s(r.med('edit'))} | {fmt_s(r.med('edit2'))} | "
            f"{fmt_mb(r.med_of(r.maxrss))} | {fmt_mb(r.med_of(r.tree))} | "
            f"{fmt_s(r.med_of([c for c in r.cpu['cold'] if c]))} | "
            f"{r.html} | {notes} |"
        )
    out.append("")
    sizes = sorted({r.size for r in rows})
    by = {(r.size, r.tool): r for r in rows}
    # The lean Hugo column appears when that configuration was asked for, so a run
    # without it prints the table it always did.
    others = [("hugo", "sitegen/Hugo")]
    if "hugo-lean" in {r.tool for r in rows}:
        others.append(("hugo-lean", "sitegen/Hugo lean"))
    others.append(("pelican", "sitegen/Pelican"))
    out.append("Ratios (sitegen ÷ other; below 1 means sitegen is faster or smaller):")
    out.append("")
    out.append("| size | measure | " + " | ".join(label for _, label in others) + " |")
    out.append("|---:|---|" + "---:|" * len(others))
    for n in sizes:
        s = by.get((n, "sitegen"))
        for label, measure in (
            ("cold", "cold"),
            ("no-change", "nochange"),
            ("one-edit", "edit"),
            ("second edit", "edit2"),
            ("peak MB", "peak"),
            ("tree MB", "tree"),
        ):
            cells = [ratio(pick(s, measure), pick(by.get((n, t)), measure)) for t, _ in others]
            out.append(f"| {n} | {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append(
        "Published posts per size (every tool is told to publish future-dated posts too): "
        + ", ".join(f"{n}: {published[n]}" for n in sizes)
    )
    out.append("")
    out.append("Machine:")
    out.append("")
    for k, v in facts.items():
        out.append(f"- {k}: {v}")
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", default="1000,10000", help="post counts, comma-separated (default 1000,10000)"
    )
    ap.add_argument(
        "--runs", type=int, default=3, help="runs per tool and size; the median is reported"
    )
    ap.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help=f"any of {','.join(TOOLS)} (default all; hugo-lean: Hugo, listings without summaries)",
    )
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/sitegen-bench"))
    ap.add_argument("--markdown", type=Path, help="append the report to this Markdown file")
    ap.add_argument("--corpus-script", type=Path, default=DEFAULT_CORPUS_SCRIPT)
    ap.add_argument(
        "--sample-interval",
        type=float,
        default=0.1,
        help="seconds between process-tree memory samples; 0 turns sampling off",
    )
    ap.add_argument(
        "--timeout", type=float, default=3600, help="seconds before one build is abandoned"
    )
    args = ap.parse_args()

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown or not sizes or args.runs < 1:
        ap.error(
            f"unknown tool(s) {', '.join(unknown)}"
            if unknown
            else "need at least one size and one run"
        )
    if not args.corpus_script.exists():
        ap.error(f"corpus generator not found: {args.corpus_script}")
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)

    facts = machine_facts(tools)
    print(f"work directory: {workdir}")
    print(
        "cold builds: output and caches deleted, then `sync` and a "
        f"{COLD_PAUSE_S:.0f} s pause before timing"
    )
    if not os.access(GNU_TIME, os.X_OK):
        print(
            f"note: {GNU_TIME} missing (Debian package `time`); "
            "peak MB falls back to RUSAGE_CHILDREN"
        )

    rows: list[Row] = []
    published: dict[int, int] = {}
    for size in sizes:
        print(f"\n== {size} posts")
        corpus = ensure_corpus(size, workdir, args.corpus_script)
        posts = read_posts(corpus)
        live = posts  # all published: see FAR_FUTURE
        until = dt.datetime.fromtimestamp(int(FAR_FUTURE), dt.UTC)
        if max((p.date.year for p in posts), default=0) >= until.year:
            raise SystemExit(f"the corpus runs past FAR_FUTURE ({until:%Y-%m-%d}): raise it")
        published[size] = len(live)
        edit = (live or posts)[-1]  # the newest published post: the one people fix typos in
        print(f"  {len(posts)} posts, {len(live)} published; edited post: {edit.rel}")
        size_rows = []
        setups: dict[str, Setup] = {}
        for tool in tools:
            row = Row(size, tool)
            rows.append(row)
            size_rows.append(row)
            if not shutil.which(PROGRAM.get(tool, tool)):
                row.status = "not installed"
                print(f"  {tool}: not installed, skipped")
                continue
            root = workdir / f"size-{size}" / tool
            if root.exists():
                remove(root, workdir)
            root.mkdir(parents=True)
            s = SETUPS[tool](root, corpus, posts, edit)
            s.edit_original = s.edit_file.read_text(encoding="utf-8")
            s.expected = edit.url_path()
            setups[tool] = s
        for run in range(1, args.runs + 1):
            for row in size_rows:
                s = setups.get(row.tool)
                if s is None or row.status != "ok":
                    continue
                s.edit_file.write_text(s.edit_original, encoding="utf-8")
                for c in [s.out, *s.caches]:
                    remove(c, workdir)
                subprocess.run(["sync"], check=False)
                time.sleep(COLD_PAUSE_S)
                results = {}
                marker = f"Nachtrag {run} zum Benchmark"
                second = f"Zweiter Nachtrag {run} zum Benchmark"
                appended = {"edit": f" {marker}, angehängt.", "edit2": f" {marker}. {second}."}
                for phase in PHASES:
                    if phase in appended:
                        s.edit_file.write_text(
                            s.edit_original.rstrip("\n") + appended[phase] + "\n",
                            encoding="utf-8",
                        )
                    log = s.root / f"run{run}-{phase}.log"
                    r = measure(s.cmd, s.cwd, log, args.sample_interval, args.timeout)
                    results[phase] = r
                    if not r.ok:
                        row.status = f"failed in {phase} build ({r.error}); log {log}"
                        print(f"  {row.tool} run {run} {phase}: FAILED {r.error}")
                        break
                    if phase == "cold" and run == 1:
                        row.html = count_html(s.out)
                s.edit_file.write_text(s.edit_original, encoding="utf-8")
                if row.status != "ok":
                    continue
                for phase in PHASES:
                    row.runs[phase].append(results[phase].wall)
                    row.cpu[phase].append(results[phase].cpu)
                row.maxrss.append(max(r.maxrss_mb for r in results.values()))
                row.tree.append(max(r.tree_mb for r in results.values()))
                if not edit_visible(s.out, s.expected, edit.slug, second):
                    note = "edit not found in output after the edit rebuilds"
                    if note not in row.notes:
                        row.notes.append(note)
                print(
                    f"  {row.tool} run {run}: "
                    + ", ".join(
                        f"{label} {results[ph].wall:.2f} s (cpu {results[ph].cpu:.2f} s)"
                        for ph, label in zip(PHASES, LABELS, strict=True)
                    )
                    + f", peak {row.maxrss[-1]:.0f} MB, tree {row.tree[-1]:.0f} MB",
                    flush=True,
                )

    facts["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(rows, facts, args, published)
    print("\n" + text)
    raw = workdir / f"results-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    raw.write_text(
        json.dumps(
            {"facts": facts, "published": published, "rows": [r.__dict__ for r in rows]},
            indent=1,
            default=str,
        )
    )
    print(f"raw results: {raw}")
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)
        print(f"appended to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
