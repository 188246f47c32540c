"""Tracking and affiliate parameters in links: the one list sitegen keeps, and the cleaner.

A parameter belongs here when it only tells the linked site (or an ad network) who sent
the reader, from which campaign, mail or click: the page is the same without it. The
lists are data; keep them sorted and add a note for anything surprising. PyPI's cleaners
were weighed and left: they re-encode whole queries, drop names that some sites need
(pid, context) everywhere, or shell out to a downloaded binary.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

# Removed from links to any host (compared in lower case).
PARAMETERS = frozenset(
    {
        "__hsfp",
        "__hssc",
        "__hstc",
        "_branch_match_id",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "action_object_map",
        "action_ref_map",
        "action_type_map",
        "aff",
        "aff_id",
        "aff_sub",
        "affid",
        "affiliate",
        "affiliate_id",
        "awc",  # Awin
        "cjevent",  # CJ Affiliate
        "clickid",
        "dclid",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "fbclid",
        "gad_source",
        "gbraid",
        "gclid",
        "gclsrc",
        "hsctatracking",
        "igsh",
        "igshid",
        "irclickid",  # Impact
        "irgwc",
        "li_fat_id",
        "mc_cid",  # Mailchimp
        "mc_eid",
        "mibextid",
        "mkt_tok",  # Marketo
        "msclkid",
        "oly_anon_id",
        "oly_enc_id",
        "partner_id",
        "ranmid",  # Rakuten
        "raneaid",
        "ransiteid",
        "ref_src",
        "ref_url",
        "s_cid",  # Adobe
        "spm",
        "srsltid",
        "trk",
        "ttclid",
        "twclid",
        "vero_conv",
        "vero_id",
        "wbraid",
        "wickedid",
        "wt.mc_id",  # Webtrends, still in many Microsoft links
        "xtor",  # AT Internet
        "yclid",
        "ysclid",
    }
)
PREFIXES = ("utm_", "mtm_", "pk_campaign", "pk_kwd", "pk_source", "pk_medium", "hsa_", "itm_")
"""Whole families: utm_source, utm_medium, ... and Matomo's and HubSpot's."""

# Hosts (a domain and its subdomains) with parameters of their own that only track.
_HOST_PARAMETERS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (
        re.compile(r"(?:^|\.)amazon\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$"),
        frozenset(
            {
                "ascsubtag",
                "camp",
                "content-id",
                "creative",
                "creativeasin",
                "crid",
                "linkcode",
                "linkid",
                "qid",
                "ref",
                "ref_",
                "sprefix",
                "sr",
                "tag",  # the affiliate's own tag
            }
        ),
    ),
    (re.compile(r"(?:^|\.)(?:youtube\.com|youtu\.be)$"), frozenset({"feature", "pp", "si"})),
    (re.compile(r"(?:^|\.)spotify\.com$"), frozenset({"context", "dl_branch", "nd", "si"})),
    (re.compile(r"(?:^|\.)(?:twitter\.com|x\.com)$"), frozenset({"s", "t"})),
    (
        re.compile(r"(?:^|\.)ebay\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$"),
        frozenset({"_trkparms", "_trksid", "campid", "customid", "mkcid", "mkevt", "mkrid"}),
    ),
    (re.compile(r"(?:^|\.)linkedin\.com$"), frozenset({"lipi", "refid", "trackingid", "trk"})),
    (re.compile(r"(?:^|\.)booking\.com$"), frozenset({"aid", "label", "sid"})),
    (re.compile(r"(?:^|\.)medium\.com$"), frozenset({"source"})),
    (
        re.compile(r"(?:^|\.)tiktok\.com$"),
        frozenset({"_r", "_t", "is_from_webapp", "sender_device"}),
    ),
)
# Sites where "ref" names a branch or a tag, not a referrer: left alone there.
_REF_IS_CONTENT = re.compile(r"(?:^|\.)(?:github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)$")
_REFERRAL = frozenset({"ref", "referrer", "referral"})
# Amazon's path segment "/ref=sr_1_1" says which list the click came from.
_AMAZON = re.compile(r"(?:^|\.)amazon\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$")
_AMAZON_REF_PATH = re.compile(r"/ref=[^/]*/?$")


def clean_url(url: str) -> tuple[str, int]:
    """The URL without tracking and affiliate parameters, and how many it lost.

    Everything else stays as written: the order and spelling of the other parameters,
    the fragment. Only http(s) URLs are touched.
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url, 0
    if parts.scheme.lower() not in ("http", "https") or not host:
        return url, 0
    own = next((names for pattern, names in _HOST_PARAMETERS if pattern.search(host)), frozenset())
    referral = frozenset() if _REF_IS_CONTENT.search(host) else _REFERRAL
    kept: list[str] = []
    removed = 0
    for pair in parts.query.split("&") if parts.query else ():
        name = unquote_plus(pair.split("=", 1)[0]).strip().lower()
        if name in PARAMETERS or name in own or name in referral or name.startswith(PREFIXES):
            removed += 1
        else:
            kept.append(pair)
    path = parts.path
    if _AMAZON.search(host) and _AMAZON_REF_PATH.search(path):
        path = _AMAZON_REF_PATH.sub("", path)
        removed += 1
    if not removed:
        return url, 0
    return urlunsplit(parts._replace(path=path, query="&".join(kept))), removed


def is_tracking(url: str) -> bool:
    """Does the URL carry a tracking or affiliate parameter?"""
    return clean_url(url)[1] > 0
