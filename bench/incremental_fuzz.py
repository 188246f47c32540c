#!/usr/bin/env python3
"""Run the incremental-build oracle for long: many random sites and edit sequences.

    python3 bench/incremental_fuzz.py [--examples 2000] [--steps 12]

Each example is a generated site edited step by step; after every step the in-place
build must equal a fresh build of a copy, byte for byte. A difference stops the run with
the shrunk sequence of edits (keep it as a test in tests/test_incremental_oracle.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=12)
    args = parser.parse_args()
    env = {
        **os.environ,
        "SITEGEN_ORACLE_EXAMPLES": str(args.examples),
        "SITEGEN_ORACLE_STEPS": str(args.steps),
        "SITEGEN_ORACLE_RANDOM": "1",
    }
    test = "tests/test_incremental_oracle.py::TestIncrementalEqualsFresh"
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", test]
    return subprocess.call(command, cwd=REPO, env=env)


if __name__ == "__main__":
    sys.exit(main())
