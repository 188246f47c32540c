"""Allow `python -m sitegen`."""

from __future__ import annotations

import sys

try:
    # Loading the command line takes a moment on a busy machine; a Ctrl-C in that moment
    # ends the program as one from a running build does: one line, exit 130.
    from .cli import run
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    sys.exit(130)

run()
