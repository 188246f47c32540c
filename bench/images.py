#!/usr/bin/env python3
"""Images per second, cold and warm, for sitegen and Hugo on the same 12-megapixel photos.

    python3 bench/images.py [--photos 20] [--work DIR] [--corpus PATH/make_corpus.py]

Makes a corpus with the shared make_corpus.py (one 12-megapixel JPEG with EXIF
orientation and GPS a post), then in the same run times:

- sitegen as configured by default: AVIF (where Pillow has it), WebP and JPEG in
  three widths (480, 960, 1600): nine variants a photo;
- sitegen with formats = ["webp"]: WebP and JPEG in three widths, six a photo;
- Hugo (from PATH, e.g. Debian's `hugo`): a page-bundle site whose template calls
  .Resize on every photo to the same three widths as WebP (q80) and JPEG (q82):
  six variants a photo, Hugo's own resampling filter (Box) and cache (resources/_gen).

"Cold" starts without any cache or output; "warm" rebuilds at once with nothing changed.
Each command runs as its own process, as a user would run it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/bench/make_corpus.py")
WIDTHS = (480, 960, 1600)

HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_SINGLE = """\
<!doctype html><title>{{ .Title }}</title>
{{ range .Resources.ByType "image" }}{{ $img := . }}
<picture>
{{ range slice %(widths)s }}{{ $w := . }}
{{ with $img.Resize (printf "%%dx webp q80" $w) }}
<source srcset="{{ .RelPermalink }} {{ .Width }}w" type="image/webp">{{ end }}
{{ with $img.Resize (printf "%%dx jpg q82" $w) }}
<img src="{{ .RelPermalink }}" width="{{ .Width }}" height="{{ .Height }}" alt="">{{ end }}
{{ end }}
</picture>
{{ end }}
"""
HUGO_LIST = "<!doctype html><title>{{ .Title }}</title>\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--work", type=Path, default=None, help="keep the sites here")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sitegen-bench-images-"))
    work.mkdir(parents=True, exist_ok=True)
    n = args.photos

    site = work / "sitegen"
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run(
        [sys.executable, str(args.corpus), str(n), str(site), "--photos", str(n)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    webp_site = work / "sitegen-webp"
    shutil.rmtree(webp_site, ignore_errors=True)
    shutil.copytree(site, webp_site)
    with (webp_site / "site.toml").open("a", encoding="utf-8") as f:
        f.write('\n[images]\nformats = ["webp"]\n')
    hugo_site = make_hugo_site(site, work / "hugo")

    rows = []
    sitegen = [sys.executable, "-m", "sitegen", "build", "--site"]
    for label, folder, variants in (
        ("sitegen (AVIF+WebP+JPEG, default)", site, 9 if has_avif() else 6),
        ("sitegen (WebP+JPEG)", webp_site, 6),
    ):
        clean(folder / "output", folder / ".sitegen-cache")
        cold = timed([*sitegen, str(folder)])
        warm = timed([*sitegen, str(folder)])
        rows.append((label, variants, cold, warm))
    hugo = shutil.which("hugo")
    if hugo:
        clean(hugo_site / "public", hugo_site / "resources")
        cold = timed([hugo, "--quiet", "--source", str(hugo_site)])
        warm = timed([hugo, "--quiet", "--source", str(hugo_site)])
        rows.append((f"Hugo {hugo_version(hugo)} (WebP+JPEG)", 6, cold, warm))
    else:
        print("note: hugo not on PATH (apt-get install -y hugo); Hugo skipped", file=sys.stderr)

    print(f"{n} photos of 12 megapixels, widths {WIDTHS}; {machine()}")
    print(f"{'':38} {'variants':>8} {'cold s':>8} {'photos/s':>9} {'warm s':>8}")
    for label, variants, cold, warm in rows:
        print(f"{label:38} {variants:>8} {cold:>8.2f} {n / cold:>9.2f} {warm:>8.2f}")


def make_hugo_site(source: Path, hugo: Path) -> Path:
    """The same posts' photos as Hugo page bundles (hard links, so the bytes are the same)."""
    shutil.rmtree(hugo, ignore_errors=True)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    widths = " ".join(str(w) for w in WIDTHS)
    (hugo / "layouts/_default/single.html").write_text(HUGO_SINGLE % {"widths": widths})
    (hugo / "layouts/_default/list.html").write_text(HUGO_LIST)
    (hugo / "layouts/index.html").write_text(HUGO_LIST)
    for photo in sorted((source / "content" / "posts").glob("*/*.jpg")):
        bundle = hugo / "content" / "posts" / photo.parent.name
        bundle.mkdir(parents=True, exist_ok=True)
        (bundle / "index.md").write_text(f'---\ntitle: "{photo.parent.name}"\n---\n\nText.\n')
        os.link(photo, bundle / photo.name)
    return hugo


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    return time.perf_counter() - started


def clean(*folders: Path) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def has_avif() -> bool:
    from PIL import features

    return bool(features.check("avif"))


def hugo_version(hugo: str) -> str:
    out = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
    return out.split()[1].split("+")[0] if out else "?"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import PIL

    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"Pillow {PIL.__version__}, {time.strftime('%Y-%m-%d')}"
    )


if __name__ == "__main__":
    main()
