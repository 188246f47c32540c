"""Numbers as pages show them: the same text as Babel's format_decimal, made faster."""

from __future__ import annotations

import decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.templating import decimal_format

LOCALES = ("de", "en", "de_CH", "fr", "hi")
"""The site's languages, and some with other group signs or grouping (fr, de_CH, hi)."""
PATTERNS = ("#,##0", "#,##0.0", "#,##0.00", "#,##0.###", "0", "00.0", "#,##,##0")
"""The theme's patterns ("#,##0" and "#,##0.0"), and plain ones a theme may use."""

values = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
    # What a size divides into kB and MB, near the rounding edges.
    st.integers(min_value=0, max_value=10**10).map(lambda n: n / 1000),
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=4),
)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(LOCALES), st.sampled_from(PATTERNS), values)
def test_numbers_read_exactly_as_babel_writes_them(
    locale: str, pattern: str, value: float | decimal.Decimal
) -> None:
    assert decimal_format(locale, pattern)(value) == format_decimal(value, pattern, locale=locale)


@pytest.mark.parametrize("pattern", ["#,##0%", "#E0", "@@@", "'#'#,##0", "#,##0 kg"])
@pytest.mark.parametrize("value", [0, -0.5, 1234.5678, 10**9])
def test_any_other_pattern_is_left_to_babel(pattern: str, value: float) -> None:
    for locale in ("de", "en"):
        assert decimal_format(locale, pattern)(value) == format_decimal(
            value, pattern, locale=locale
        )


def test_numbers_that_are_not_finite_are_left_to_babel() -> None:
    for value in (float("inf"), float("-inf"), float("nan")):
        assert decimal_format("de", "#,##0")(value) == format_decimal(value, "#,##0", locale="de")
