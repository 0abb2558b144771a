"""Meeting dates as people write them: "28–30 May 2024", "28–30 mai 2024", "28–30 de mayo de 2024".

Month names come from Django's own catalogues (django.utils.dates); the order of day, month and year
and the small words around them are locale data, kept here as Django keeps its date formats in code.
"""

from django.utils import translation
from django.utils.dates import MONTHS

from core.language import active_language

EN_DASH = "\u2013"

PATTERNS = {
    "en": {
        "day": "{day} {month} {year}",
        "month": "{month} {year}",
        "same_month": "{day1}" + EN_DASH + "{day2} {month} {year}",
        "same_year": "{day1} {month1} " + EN_DASH + " {day2} {month2} {year}",
        "different_years": "{day1} {month1} {year1} " + EN_DASH + " {day2} {month2} {year2}",
    },
    "fr": {
        "day": "{day} {month} {year}",
        "month": "{month} {year}",
        "same_month": "{day1}" + EN_DASH + "{day2} {month} {year}",
        "same_year": "{day1} {month1} " + EN_DASH + " {day2} {month2} {year}",
        "different_years": "{day1} {month1} {year1} " + EN_DASH + " {day2} {month2} {year2}",
    },
    "es": {
        "day": "{day} de {month} de {year}",
        "month": "{month} de {year}",
        "same_month": "{day1}" + EN_DASH + "{day2} de {month} de {year}",
        "same_year": "{day1} de {month1} " + EN_DASH + " {day2} de {month2} de {year}",
        "different_years": "{day1} de {month1} de {year1} " + EN_DASH + " {day2} de {month2} de {year2}",
    },
}


def _language(language=None):
    code = language[:2] if language else active_language()
    return code if code in PATTERNS else "en"


def _day(value, language):
    # French writes the first day of a month as an ordinal: "1er mai 2024".
    return "1er" if language == "fr" and value == 1 else str(value)


def _month(number, language):
    with translation.override(language):
        return str(MONTHS[number])


def format_date_range(start, end=None, language=None):
    """A day or a span of days in the given (or the active) language."""
    language = _language(language)
    patterns = PATTERNS[language]
    end = end or start
    if start == end:
        return patterns["day"].format(
            day=_day(start.day, language), month=_month(start.month, language), year=start.year
        )
    if (start.year, start.month) == (end.year, end.month):
        return patterns["same_month"].format(
            day1=_day(start.day, language),
            day2=_day(end.day, language),
            month=_month(start.month, language),
            year=start.year,
        )
    if start.year == end.year:
        return patterns["same_year"].format(
            day1=_day(start.day, language),
            month1=_month(start.month, language),
            day2=_day(end.day, language),
            month2=_month(end.month, language),
            year=start.year,
        )
    return patterns["different_years"].format(
        day1=_day(start.day, language),
        month1=_month(start.month, language),
        year1=start.year,
        day2=_day(end.day, language),
        month2=_month(end.month, language),
        year2=end.year,
    )


def format_partial_date(year=None, month=None, day=None, end=None, language=None):
    """What is known of a date: exact day(s), a month ("November 2024", "novembre 2024") or a year."""
    if day is not None:
        return format_date_range(day, end, language)
    if year is None:
        return ""
    if month is None:
        return str(year)
    language = _language(language)
    return PATTERNS[language]["month"].format(month=_month(month, language), year=year)
