"""What the dev server tells browsers about files, and which Host headers it answers."""

from __future__ import annotations

import ipaddress
import mimetypes
import os
from typing import Any

# Our own table first: mimetypes reads the system's files, which differ between machines
# (and know neither AVIF nor feed types on some).
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
}


def content_type(name: str) -> str:
    suffix = os.path.splitext(name)[1].lower()
    known = TYPES.get(suffix) or mimetypes.guess_type(name)[0]
    return known or "application/octet-stream"


def allowed_host(header: str, bound: Any) -> bool:
    """Is the Host header this server's: an address literal, localhost, or the bound name?

    Only a name can be rebound to this machine by someone else's DNS, never an address.
    A request without Host (HTTP/1.0 tools) comes from no browser page.
    """
    host, port = str(bound[0]).lower(), str(bound[1])
    value = header.strip().lower()
    if not value:
        return True
    if value.startswith("["):  # [::1]:8000
        name, _, rest = value[1:].partition("]")
        given = rest.removeprefix(":") if rest.startswith(":") or not rest else "?"
    elif value.count(":") == 1:
        name, given = value.split(":")
    else:
        name, given = value, ""
    if given not in ("", port):
        return False
    if name in ("localhost", host):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
