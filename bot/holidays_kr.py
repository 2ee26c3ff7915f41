"""Public-holiday dates from the ``holidays`` package, for the business calendar.

Kept outside ``bot/domain`` so the domain stays standard-library only: the caller turns the
package's data into plain dates and hands them to ``BusinessCalendar``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

__all__ = ["holiday_names", "kr_holidays", "public_holidays"]


def public_holidays(country: str, years: Iterable[int]) -> frozenset[date]:
    """Return the public holidays (with substitute days) of a country; none for ``""``."""
    code = country.strip().upper()
    wanted = sorted(set(years))
    if not code or not wanted:
        return frozenset()
    try:
        # observed=True (the default) is what adds Korea's substitute holidays (대체공휴일).
        table = holidays.country_holidays(code, years=wanted)
    except NotImplementedError:
        raise ValueError(
            f"unknown holiday country {country!r}: use a code such as 'KR', or '' for none"
        ) from None
    return frozenset(table.keys())


def kr_holidays(years: Iterable[int]) -> frozenset[date]:
    """Return Korean public holidays, substitute holidays included, for the given years."""
    return public_holidays("KR", years)


def holiday_names(country: str, year: int, language: str = "ko") -> dict[date, str]:
    """The public holidays of a year with their names (in `language` when the package has it,
    else its default language); none for ``""``."""
    code = country.strip().upper()
    if not code:
        return {}
    try:
        table = holidays.country_holidays(code, years=[year], language=language)
    except NotImplementedError:
        raise ValueError(f"unknown holiday country {country!r}") from None
    return dict(sorted(table.items()))
