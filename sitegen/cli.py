"""The `sitegen` command line."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import logging
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .errors import BuildErrors, SitegenError, display_path
from .wordpress.diary import DREAM_PHRASES

# Every command imports what it needs when it runs: a build should not pay for loading
# the feed reader, the web server or the importer, and a Ctrl-C while the build's own
# modules load (a second on a busy machine) must still end in one line, not a traceback.


def run() -> NoReturn:
    """The `sitegen` program: `main`, then the end of the process without tearing down its heap.

    A build leaves every post of the site in memory; freeing it object by object when the
    interpreter shuts down takes longer than some whole builds (half a second at 10,000
    posts). The exit handlers still run (logging, the standard library's own), and the
    output is flushed, so nothing that should happen at exit is skipped.
    """
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a sitegen command; return the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    stopped: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        # SIGTERM ends the build as Ctrl-C does: staging removed, workers ended, output whole.
        stopped.append(signum)
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if main_thread else None
    previous_int = signal.getsignal(signal.SIGINT)
    try:
        return int(args.run(args))
    except SitegenError as e:
        print(
            str(e) if e.path is not None or isinstance(e, BuildErrors) else f"error: {e}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt as e:
        if main_thread:  # one signal is enough: a second one, still pending, must not raise here
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signum = stopped[0] if stopped else getattr(e, "signum", signal.SIGINT)
        print("interrupted" if signum == signal.SIGINT else "stopped", file=sys.stderr)
        return 128 + signum
    except OSError as e:
        where = display_path(e.filename) if e.filename else "error"
        print(f"{where}: {e.strerror or e}", file=sys.stderr)
        return 1
    except sqlite3.Error as e:
        from .build import CACHE_DIR

        print(f"{CACHE_DIR}: the cache is damaged ({e}): delete the folder", file=sys.stderr)
        return 1
    except RecursionError:
        print("error: input nested too deep to read", file=sys.stderr)
        return 1
    except ValueError as e:  # the stages name the file for every case known; the rest, briefly
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)


def _build(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build

    report = build(
        BuildOptions(
            site_dir=args.site,
            out_dir=args.out,
            drafts=args.drafts,
            base_url=args.base_url,
            force=args.force,
        )
    )
    for notice in report.warnings:
        print(notice, file=sys.stderr)
    if args.base_url is None:
        from .config import load_config

        _warn_placeholder(load_config(args.site.resolve()).base_url)
    print(report.summary())
    return 0


def _check(args: argparse.Namespace) -> int:
    from . import audit, feedcheck
    from .config import load_config
    from .links import built_base_url, check_links

    out_dir = args.out or args.site / "output"
    if not (out_dir / "index.html").is_file():
        raise SitegenError(f"{out_dir}: no built site here; run `sitegen build` first")
    # The site is checked for the address it was built for, which may be another than
    # site.toml's (`build --base-url`): its front page names it.
    config = load_config(args.site.resolve(), args.base_url or built_base_url(out_dir))
    _warn_placeholder(config.base_url)
    problems = [
        *((p.page, p.message) for p in check_links(out_dir, config.base_url)),
        *((p.feed, p.message) for p in feedcheck.check_feeds(out_dir, config.base_url)),
    ]
    for where, message in problems:
        print(f"{out_dir / where}: {message}", file=sys.stderr)
    violations = audit.check_folder(out_dir, config)
    for violation in violations:
        print(violation, file=sys.stderr)
    found = len(problems) + len(violations)
    if found:
        print(f"{found} problem{'s' * (found != 1)} found", file=sys.stderr)
        return 1
    print(
        f"{out_dir}: every internal link resolves, every feed reads cleanly, "
        "and no page contacts another host"
    )
    return 0


def _warn_placeholder(base_url: str) -> None:
    from .scaffold import PLACEHOLDER_BASE_URL

    if base_url == PLACEHOLDER_BASE_URL:
        print(
            f"warning: base_url is still {PLACEHOLDER_BASE_URL}, the placeholder `sitegen init` "
            "wrote; set it in site.toml to the address the site is published at",
            file=sys.stderr,
        )


def _new(args: argparse.Namespace) -> int:
    from .newpost import new_post

    path = new_post(args.site, args.title, location=args.location, bundle=args.bundle)
    print(display_path(path))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import ServeOptions, serve

    return serve(
        ServeOptions(
            site_dir=args.site, host=args.host, port=args.port, drafts=args.drafts, poll=args.poll
        )
    )


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is no port number (0 to 65535)")
    return int(text)


def _init(args: argparse.Namespace) -> int:
    from .scaffold import PUBLISH, create_site

    created = create_site(args.dir, language=args.language, publish=args.publish)
    print(f"created a new site in {created}, published by {PUBLISH[args.publish]}")
    print(f'next: sitegen new "Title" --site {created}, then sitegen build --site {created}')
    return 0


def _import_wordpress(args: argparse.Namespace) -> int:
    from .wordpress.importer import ImportOptions, import_wordpress

    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show and (done == total or done % 25 == 0):
            end = "\n" if done == total else ""
            print(f"\rimporting {done}/{total} posts and pages", end=end, file=sys.stderr)

    report = import_wordpress(
        ImportOptions(
            export=args.export,
            site_dir=args.site,
            media_dir=args.media,
            comments=not args.no_comments,
            force=args.force,
            dream_phrases=tuple(args.dream_phrase or DREAM_PHRASES),
            keep_metadata=args.keep_metadata,
        ),
        progress,
    )
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    for error in report.failed:
        print(error, file=sys.stderr)
    print("\n".join(report.lines()))
    return 1 if report.failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description="A static-site generator for honest blogs and diaries."
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    p = commands.add_parser(
        "build", help="build the site into output/", description="Build the site."
    )
    _site_option(p)
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write the site (default: SITE/output)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="build into an --out folder that holds files sitegen did not write, replacing them",
    )
    p.add_argument("--drafts", action="store_true", help="include posts marked draft = true")
    p.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="publish under this URL instead of site.toml's base_url",
    )
    p.set_defaults(run=_build)

    p = commands.add_parser(
        "serve",
        help="preview the site, rebuilt and reloaded on every save",
        description="Build the site, serve it, and rebuild it whenever content/, themes/ or "
        "site.toml change; open pages reload by themselves (a script added only while "
        "serving). A failed build is shown over the last good page. Ctrl-C stops.",
    )
    _site_option(p)
    p.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    p.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="the port to listen on; 0 picks a free one (default: 8000)",
    )
    p.add_argument("--drafts", action="store_true", help="include posts marked draft = true")
    p.add_argument(
        "--poll",
        action="store_true",
        help="look for changes every half second instead of waiting for the system's change "
        "events (for WSL, Docker volumes and network folders)",
    )
    p.set_defaults(run=_serve)

    p = commands.add_parser(
        "check",
        help="check a built site",
        description="Check the built site's links, anchors and feeds.",
    )
    _site_option(p)
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="the built site to check (default: SITE/output)",
    )
    p.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="the base URL the site was built with, if not site.toml's",
    )
    p.set_defaults(run=_check)

    p = commands.add_parser(
        "new",
        help="start a diary entry",
        description="Write a new diary entry into content/posts/, dated now in the site's "
        "time zone, its day counted from [diary] day_zero, and print its path. "
        "An existing file is never replaced.",
    )
    p.add_argument("title", metavar="TITLE", help="the entry's title; its slug names the file")
    p.add_argument(
        "--location",
        default=None,
        metavar="PLACE",
        help="where it is written (default: the location of the latest entry)",
    )
    p.add_argument(
        "--bundle",
        action="store_true",
        help="make a folder with index.md, for photos and files beside the text",
    )
    _site_option(p)
    p.set_defaults(run=_new)

    p = commands.add_parser(
        "init", help="create a new site", description="Create a new site in DIR."
    )
    p.add_argument(
        "dir", type=Path, metavar="DIR", help="the folder to create (must be empty or absent)"
    )
    p.add_argument(
        "--language", default="en", choices=["de", "en"], help="the site's language (default: en)"
    )
    p.add_argument(
        "--publish",
        default="github-pages",
        choices=["github-pages", "ssh", "forgejo"],
        help="the workflow that publishes the site: GitHub Pages, any web space over SSH "
        "(rsync, from GitHub Actions) or Codeberg Pages with Forgejo Actions "
        "(default: github-pages)",
    )
    p.set_defaults(run=_init)
    _import_parser(commands)
    return parser


def _import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "import", help="import a blog from elsewhere", description="Import a blog into the site."
    )
    sources = p.add_subparsers(title="sources", required=True, metavar="SOURCE")
    w = sources.add_parser(
        "wordpress",
        help="import a WordPress export (WXR)",
        description="Import posts, drafts, pages, media and comments from a WordPress export "
        "(Tools → Export → All content) into content/, leaving ads, share buttons and "
        "trackers behind. Files edited since the last import are kept.",
    )
    w.add_argument("export", type=Path, metavar="EXPORT.xml", help="the WordPress export file")
    w.add_argument(
        "--media",
        type=Path,
        default=None,
        metavar="DIR",
        help="the blog's wp-content/uploads folder, to copy images and audio from",
    )
    _site_option(w)
    w.add_argument("--no-comments", action="store_true", help="leave the comments behind")
    w.add_argument(
        "--force", action="store_true", help="overwrite files edited since the last import"
    )
    w.add_argument(
        "--keep-metadata",
        action="store_true",
        help="copy images with their location (GPS), camera serials and comments "
        "(removed by default)",
    )
    w.add_argument(
        "--dream-phrase",
        action="append",
        metavar="PHRASE",
        help="a first paragraph opening with PHRASE is the dream; repeat for several "
        f"(default: {', '.join(DREAM_PHRASES)})",
    )
    w.set_defaults(run=_import_wordpress)


if __name__ == "__main__":
    sys.exit(main())


def _site_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site folder, holding site.toml (default: here)",
    )
