"""Leave WordPress's boilerplate behind: ads, share buttons, trackers.

Tracking parameters in links go by sitegen.tracking's list, the one the build uses too.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

# Each kind of boilerplate and the classes and ids WordPress, Jetpack and plugins give it.
# Matched in one pass by set look-ups: CSS selectors cost seconds on a big export.
_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        ("wpcnt", "wpa", "adsbygoogle", "advertisement", "wp-block-jetpack-wordads"), "ads"
    ),
    **dict.fromkeys(
        (
            "sharedaddy",
            "sd-sharing-enabled",
            "sd-block",
            "sd-like",
            "sharing",
            "jetpack-likes-widget-wrapper",
            "wpl-likebox",
            "addtoany_share_save_container",
            "a2a_kit",
            "shareaholic-canvas",
            "swp_social_panel",
            "share-buttons",
            "social-share",
            "wp-block-jetpack-sharing-buttons",
            "wp-block-jetpack-like",
            "feedflare",
        ),
        "share buttons",
    ),
    **dict.fromkeys(
        (
            "jp-relatedposts",
            "yarpp-related",
            "related-posts",
            "crp_related",
            "wp-block-jetpack-related-posts",
        ),
        "related posts",
    ),
    **dict.fromkeys(
        (
            "author-box",
            "about-author",
            "saboxplugin-wrap",
            "author-bio",
            "author-info",
            "abh_box",
            "wp-block-post-author",
        ),
        "author boxes",
    ),
}
_IDS = {"jp-post-flair": "share buttons", "jp-relatedposts": "related posts"}
_ID_PREFIXES = (("atatags", "ads"), ("crt-", "ads"))
# Elements that never belong in a post's text; scripts are where trackers live.
_SCRIPTS = ("script", "noscript", "style", "link", "meta", "form", "input", "button", "select",
            "textarea", "object", "embed", "applet", "template", "base")  # fmt: skip
_LABELLED = {"div", "span", "h6", "small", "aside"}
_AD_LABELS = {"advertisements", "advertisement", "anzeige", "anzeigen", "werbung", "publicité"}
TRACKER_HOSTS = (
    "pixel.wp.com",
    "stats.wp.com",
    "stats.wordpress.com",
    "pixel.quantserve.com",
    "b.scorecardresearch.com",
    "sb.scorecardresearch.com",
    "www.google-analytics.com",
    "google-analytics.com",
    "ssl.google-analytics.com",
    "www.googletagmanager.com",
    "www.facebook.com/tr",
    "feeds.feedburner.com/~r",
    "feeds.wordpress.com",
    "vg0n.met.vgwort.de",
    "ssl-vg03.met.vgwort.de",
)
_TRACKER_PATH = re.compile(r"/(?:pixel|beacon|tracking|track|count|stats?)\.(?:gif|png|php)", re.I)


def remove_boilerplate(soup: BeautifulSoup) -> Counter[str]:
    """Remove ads, share and like blocks, related posts, author boxes, scripts and pixels."""
    removed: Counter[str] = Counter()
    # One walk over a snapshot of the tree: each find_all is a walk of its own.
    for element in soup.find_all(True):
        if element.decomposed:
            continue
        kind = _boilerplate_kind(element)
        if not kind and element.name in _SCRIPTS:
            kind = "scripts, styles and forms"
        elif not kind and element.name == "img" and is_tracker(element):
            kind = "tracking pixels"
        elif not kind and element.name in _LABELLED and _is_ad_label(element):
            kind = "ads"
        if kind:
            element.decompose()
            removed[kind] += 1
    return removed


def _is_ad_label(element: Tag) -> bool:
    # A lone "Anzeige" paragraph may be the author's own label; only widget markup goes.
    text = element.get_text(" ", strip=True)
    return len(text) < 20 and text.lower() in _AD_LABELS and not element.find("img")


def _boilerplate_kind(element: Tag) -> str:
    for css in element.get_attribute_list("class"):
        if css in _CLASSES:
            return _CLASSES[css]
        if css and "wordads" in css:
            return "ads"
    ident = str(element.get("id") or "")
    if ident in _IDS:
        return _IDS[ident]
    return next((kind for prefix, kind in _ID_PREFIXES if ident.startswith(prefix)), "")


def is_tracker(img: Tag) -> bool:
    """A stats image or a 1×1 pixel: it exists only to report the reader's visit."""
    src = str(img.get("src") or "")
    parts = urlsplit(src if "://" in src else "https:" + src if src.startswith("//") else src)
    where = (parts.hostname or "") + parts.path
    if any(where == host or where.startswith((host + "/", host + "?")) for host in TRACKER_HOSTS):
        return True
    if parts.hostname and _TRACKER_PATH.search(parts.path):
        return True
    return str(img.get("width", "")).strip() in ("0", "1") and str(
        img.get("height", "")
    ).strip() in ("0", "1")
