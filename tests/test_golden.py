"""Golden output: a small site's whole build compared byte for byte.

Regenerate after an intended change with `pytest tests/test_golden.py --update-golden`
and review the diff of tests/golden/expected/ before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import build_site, snapshot

GOLDEN = Path(__file__).parent / "golden"


def test_golden_site(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    site = tmp_path / "site"
    shutil.copytree(GOLDEN / "site", site)
    build_site(site)
    expected = GOLDEN / "expected"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(site / "output", expected, ignore=shutil.ignore_patterns(".sitegen-output"))
    actual = snapshot(site / "output")
    wanted = snapshot(expected)
    assert sorted(actual) == sorted(wanted)
    for name in sorted(wanted):
        assert actual[name] == wanted[name], f"{name} differs from tests/golden/expected/{name}"
