"""A site holding one post of every shape sitegen knows, for the quality gates and Lighthouse.

Footnotes, a long code line, a table, coloured code with numbered and marked lines, code in
a language nobody knows, headings with links to themselves and a table of contents, a series of two, a quotation, a photo alone, a cover, a gallery, an
MP3 episode with transcript and chapters, an M4A episode, a dream, a video card, a long
German compound word, posts with and without a description, tags spread over several
pages, a page, the uses page; and a site.toml without a description.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
from pathlib import Path

from PIL import Image

SITE_TOML = """\
title = "Werkbank & Papier"
base_url = "https://example.org/werkbank/"
language = "de"
timezone = "Europe/Berlin"
paginate = 2

[author]
name = "Ada"
email = "ada@example.org"

[diary]
day_zero = 2020-01-01

[images]
widths = [480, 960]
formats = ["webp"]

[podcast]
title = "Werkbankfunk"
description = "Gespräche an der Werkbank"
image = "podcast.jpg"
category = "Leisure"
subcategory = "Crafts"
owner = { name = "Ada", email = "ada@example.org" }
persons = [{ name = "Ada", role = "host" }]
"""

USES = """\
currency = "EUR"

[[item]]
name = "Falzbein aus Knochen"
category = "Werkzeug"
purpose = "Falzen und Glätten"
since = 2020-01-01
cost = 12
per = "once"

[[item]]
name = "Gehostetes Blog mit kostenlosem Tarif"
category = "Website"
purpose = "Das Tagebuch"
since = 2020-01-01
until = 2022-06-01
why_dropped = "Es zeigte Werbung in unseren Einträgen."
replaced_by = "eigener Webspace und sitegen"

[[item]]
name = "eigener Webspace und sitegen"
category = "Website"
purpose = "Das Tagebuch"
since = 2022-06-01
cost = 4
per = "month"
"""

COMPOUND = "Donaudampfschifffahrtsgesellschaftskapitänsmützenaufbewahrungsschrankschlüssel"


def _post(title: str, date: str, body: str, **fields: object) -> str:
    lines = [f"title = {json.dumps(title, ensure_ascii=False)}", f"date = {date}"]
    for key, value in fields.items():
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return "+++\n" + "\n".join(lines) + "\n+++\n\n" + body.strip() + "\n"


def photo(colour: str, size: tuple[int, int] = (1200, 800)) -> bytes:
    """A JPEG with a gradient, so that encoders have something to do."""
    image = Image.new("RGB", size, colour)
    width, height = size
    stripe = Image.linear_gradient("L").resize((width, height // 4))
    image.paste(Image.merge("RGB", (stripe, stripe, stripe)), (0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def make_m4a(path: Path, seconds: float, frequency: int = 330) -> Path:
    """A real AAC-in-MP4 file, encoded by FFmpeg's own AAC encoder through PyAV."""
    import av

    rate = 16000
    with av.open(str(path), "w", format="ipod") as container:
        stream = container.add_stream("aac", rate=rate, layout="mono")
        total = int(seconds * rate)
        for start in range(0, total, 1024):
            count = min(1024, total - start)
            samples = b"".join(
                int(8000 * math.sin(2 * math.pi * frequency * (start + i) / rate)).to_bytes(
                    2, "little", signed=True
                )
                for i in range(count)
            )
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.planes[0].update(samples + b"\0" * (frame.planes[0].buffer_size - len(samples)))
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def make_mp3(path: Path, seconds: float) -> Path:
    """A real MP3 made with SoX."""
    sox = shutil.which("sox")
    assert sox, "SoX is missing: .ci/run installs it (apt-get install sox libsox-fmt-mp3)"
    command = [sox, "-n", "-r", "16000", "-c", "1", str(path), "synth", str(seconds), "sine", "440"]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return path


def write_shapes_site(site: Path) -> Path:
    """Write the site into `site` (an empty folder) and return it."""
    posts = site / "content" / "posts"
    files: dict[str, str | bytes] = {
        "site.toml": SITE_TOML,
        "content/uses.toml": USES,
        "content/static/podcast.jpg": photo("#8a5a2b", (1400, 1400)),
        "content/pages/about.md": '+++\ntitle = "Über die Werkbank"\nnav = true\n+++\n\n'
        "Eine kleine Werkstatt, ein Tagebuch.\n",
        "content/posts/2024-01-02-fussnoten-und-code.md": _post(
            "Fußnoten, Code und eine Tabelle",
            "2024-01-02T07:10:00+01:00",
            """
Heute[^1] habe ich die Pressen gezählt.[^2]

```python
presses = {"Stockpresse": 1, "Spindelpresse": 2, "Kniehebelpresse": 1}; print(sum(presses.values()), "Pressen in der Werkstatt, alle geölt und gereinigt")
```

| Presse | Anzahl | Baujahr |
|:--|--:|:-:|
| Stockpresse | 1 | 1921 |
| Spindelpresse | 2 | 1954 |

> Wer presst, muss warten können.
> — ein alter Buchbinder

[^1]: Am Morgen, vor dem Kaffee.
[^2]: Und die Zwingen, aber die zählen nicht.
""",
            location="Leipzig",
            tags=["Werkstatt", "Werkzeug"],
            series="Pressen & Zuschnitt",
        ),
        "content/posts/2024-01-05-zuschnitt.md": _post(
            "Zuschnitt, gerechnet",
            "2024-01-05T20:15:00+01:00",
            """
Wie viele Streifen passen aus einem Bogen?

## Die Rechnung

```python {linenos=true hl_lines=[2,"3-4"]}
def streifen(bogen=700, breite=50, schnitt=1):
    # Jeder Schnitt kostet einen Millimeter.
    return (bogen + schnitt) // (breite + schnitt)
print(f"{streifen()} Streifen", 0x1F, 3.5, [True, None])
```

### Im Terminal

```console
$ python zuschnitt.py
13 Streifen
```

## Die Rechnung

Noch einmal, in einer Sprache, die niemand kennt:

```werkstattsprache
SCHNEIDE 13 STREIFEN
```

```diff
- 12 Streifen
+ 13 Streifen
```
""",
            toc=True,
            tags=["Werkstatt"],
            series="Pressen & Zuschnitt",
        ),
        "content/posts/2024-01-09-der-hof/index.md": _post(
            "Der Hof",
            "2024-01-09T08:00:00+01:00",
            "![Der Hof im Regen, Pfützen zwischen den Pflastersteinen](hof.jpg)",
            location="Leipzig",
            tags=["Werkstatt"],
        ),
        "content/posts/2024-01-09-der-hof/hof.jpg": photo("#4f6d7a"),
        "content/posts/2024-02-01-ein-deckel/index.md": _post(
            "Ein neuer Deckel",
            "2024-02-01T09:30:00+01:00",
            "Ein Deckel aus Graupappe, mit Leinen bezogen.",
            cover="deckel.jpg",
            description="Wie ein Buchdeckel entsteht, Schicht für Schicht.",
            tags=["Werkstatt"],
        ),
        "content/posts/2024-02-01-ein-deckel/deckel.jpg": photo("#a0522d"),
        "content/posts/2024-02-10-galerie/index.md": _post(
            "Drei Papiere",
            "2024-02-10T16:45:00+01:00",
            """
Drei Papiere aus der Mühle, nebeneinander:

![Büttenpapier, rau](a.jpg) ![Japanpapier, fast durchsichtig](b.jpg) ![Packpapier, braun](c.jpg)
""",
            tags=["Papier", "Werkstatt"],
        ),
        "content/posts/2024-02-10-galerie/a.jpg": photo("#d8cfc0"),
        "content/posts/2024-02-10-galerie/b.jpg": photo("#efe9dd"),
        "content/posts/2024-02-10-galerie/c.jpg": photo("#9c7b55"),
        "content/posts/2024-03-01-folge-1/index.md": _post(
            "Kleister & Leim <im Test>",
            "2024-03-01T10:00:00+01:00",
            "Wir vergleichen Kleister und Leim.",
            audio="folge-1.mp3",
            episode=1,
            location="Leipzig",
            tags=["Podcast", "Werkstatt"],
        ),
        "content/posts/2024-03-01-folge-1/folge-1.vtt": "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:01.500\n<v Ada>Hallo & willkommen.\n\n"
        "00:00:01.500 --> 00:00:03.000\nHeute: Kleister.\n",
        "content/posts/2024-03-01-folge-1/folge-1.json": json.dumps(
            {
                "version": "1.2.0",
                "chapters": [
                    {"startTime": 0, "title": "Begrüßung"},
                    {"startTime": 1.5, "title": "Kleister"},
                ],
            }
        ),
        "content/posts/2024-03-15-folge-2/index.md": _post(
            "Folge zwei, als M4A",
            "2024-03-15T10:00:00+01:00",
            "Diesmal als AAC in MP4.",
            audio="folge-2.m4a",
            episode=2,
            tags=["Podcast"],
        ),
        "content/posts/2024-04-02-traum.md": _post(
            "Nach dem Traum",
            "2024-04-02T06:05:00+02:00",
            """
::: dream
Heute Nacht stand ich vor einem Regal, das bis in den Himmel reichte, und jedes Buch war leer.
:::

Am Morgen habe ich die leeren Bücher gebunden, die wirklich bestellt waren.
""",
            location="Istanbul",
            zone="TRT",
            tags=["Werkstatt"],
        ),
        "content/posts/2024-04-20-video.md": _post(
            "Falzen lernen",
            "2024-04-20T20:00:00+02:00",
            """
Wie man einen Bogen sauber falzt, zeigt dieses Video:

[Falzen lernen, Schritt für Schritt](https://www.youtube.com/watch?v=abcdefghijk)
""",
            tags=["Werkzeug"],
        ),
        "content/posts/2024-05-05-langes-wort.md": _post(
            "Ein sehr langes Wort",
            "2024-05-05T11:00:00+02:00",
            f"Im Flur steht der {COMPOUND}, und niemand weiß, wem er gehört.",
            description="Ein Schrank mit einem Namen, der nicht auf eine Zeile passt.",
        ),
    }
    for rel, data in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    make_mp3(posts / "2024-03-01-folge-1" / "folge-1.mp3", 3.0)
    make_m4a(posts / "2024-03-15-folge-2" / "folge-2.m4a", 2.5)
    return site
