"""Dates as people write them (French or English) and as they read them.

One place for the rules: parsing a day ("pour le 15 janvier", "vendredi",
"3/12", "next friday") in the cooperative's time zone, always towards the
future, and formatting a day or a time the way a French professional writes it
("jeu. 3 déc., 14 h"). Time slots ("jeudi 14h-16h") build on this module.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from commands.errors import CommandError
from commands.text import fold

LANGUAGES = ["fr", "en"]
JUST_PAST_DAYS = 31  # a day without a year this long ago is past, not next year's

MONTHS = {
    "janvier": 1, "janv": 1, "january": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2,
    "february": 2, "feb": 2, "mars": 3, "march": 3, "mar": 3, "avril": 4, "avr": 4,
    "april": 4, "apr": 4, "mai": 5, "may": 5, "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7, "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9, "octobre": 10, "oct": 10,
    "october": 10, "novembre": 11, "nov": 11, "november": 11, "decembre": 12, "dec": 12,
    "december": 12,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_MONTH_RE})\.?(?:\s+(\d{{4}}))?\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b")
# what exact_day reads ("11.07" is not among them: dateparser reads it as 11:07 today, and
# "1er may" as nothing, so they stay dateparser's)
_EXACT = (re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?"),
          re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"),
          re.compile(rf"(\d{{1,2}})\s+({_MONTH_RE})\.?(?:\s+(\d{{4}}))?"))
_END_OF = re.compile(rf"\b(?:fin|end of)\s+({_MONTH_RE})\b")
_NOISE = re.compile(r"^(?:pour|avant|d'ici|d’ici|by|before|until|le|the|on)\s+")
# A day written without a digit names one of these: a text that names none (the need of
# "un devis pour des chaises") is refused without asking dateparser (~0.25 ms)
_DAY_WORDS = frozenset(MONTHS) | frozenset((
    "lundi lun mardi mercredi mer jeudi jeu vendredi ven samedi sam dimanche dim "
    "monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday "
    "sat sunday sun aujourd hui demain apres hier avant maintenant jour jours journee "
    "semaine semaines quinzaine mois an ans annee annees soir matin midi minuit week weeks "
    "weekend end today tonight tomorrow yesterday now day days fortnight month months year "
    "years noon midnight morning evening hour hours heure heures").split())
_WORD = re.compile(r"\w+")
_NEXT = re.compile(r"\b(prochain|prochaine|qui vient)\b")


def _check_real_day(folded: str, original: str) -> None:
    """Refuse impossible days ("31 février", "30/02") with a clear message."""

    def refuse(m: re.Match[str]) -> CommandError:
        same = len(folded) == len(original)
        return CommandError("“{text}” is not a real date.",
                            text=original[m.start():m.end()] if same else m.group(0))

    for m in _DAY_MONTH.finditer(folded):
        day, month = int(m.group(1)), MONTHS[m.group(2)]
        if day < 1 or day > calendar.monthrange(2024, month)[1]:  # 2024: leap year
            raise refuse(m)
    for m in _NUMERIC.finditer(folded):
        day, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12 or day < 1 or day > calendar.monthrange(2024, month)[1]:
            raise refuse(m)


def parse_day(text: str, *, now: datetime, tz: ZoneInfo) -> date:
    """The day meant by ``text``, seen from ``now`` in ``tz``; always today or later.

    Raises ``CommandError`` with a clear message when the text is not a date.
    """
    original = text.strip().rstrip(".")
    folded = fold(original)
    if not any(c.isdigit() for c in folded) and _DAY_WORDS.isdisjoint(_WORD.findall(folded)):
        raise _not_a_date(text)
    _check_real_day(folded, original)
    local_now = now.astimezone(tz)
    end = _END_OF.search(folded)
    if end:
        month = MONTHS[end.group(1)]
        year = local_now.year + (month < local_now.month)
        return date(year, month, calendar.monthrange(year, month)[1])
    cleaned = _NEXT.sub("", _NOISE.sub("", _NOISE.sub("", folded))).strip() or folded
    day = exact_day(cleaned, local_now.date()) or dateparser_day(cleaned, local_now)
    if day is None:
        raise _not_a_date(text)
    if day != local_now.date() and _same_day_next_year(day, local_now.date(), folded):
        day = local_now.date()  # "10 déc." said on 10 December means today
    if day < local_now.date():
        raise CommandError("{day} is already past.", day=day)
    if (past := _this_year_if_just_past(day, local_now.date(), folded)) is not None:
        raise CommandError("{day} is already past.", day=past)
    return day


def exact_day(cleaned: str, today: date) -> date | None:
    """A plain "7/12/2026", "7/12", "07.12.2026" or "3 décembre 2026" read directly, as
    dateparser reads it (day first; without a year, the next such day after today), in
    microseconds instead of its ~1 ms; None for anything else, which dateparser reads."""
    m = next((m for pattern in _EXACT if (m := pattern.fullmatch(cleaned))), None)
    if m is None:
        return None
    number, month_said, year = m.groups()
    month = int(month_said) if month_said.isdigit() else MONTHS[month_said]
    try:
        if year is not None:
            return date(int(year), month, int(number))
        day = date(today.year, month, int(number))
        return day if day > today else day.replace(year=today.year + 1)
    except ValueError:  # 29 February of a year without one: dateparser decides
        return None


def dateparser_day(cleaned: str, local_now: datetime) -> date | None:
    """The day dateparser reads in ``cleaned``, towards the future, day first."""
    import dateparser  # ~3 MB and ~50 ms, paid at the first date rather than at start-up

    parsed = dateparser.parse(
        cleaned,
        languages=LANGUAGES,
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return None if parsed is None else parsed.date()


class NotADate(CommandError):
    """The text reads as no day at all (not an impossible or a past one)."""


def _not_a_date(text: str) -> CommandError:
    return NotADate("I do not understand the date “{text}”. Write for example "
                        "“15 janvier”, “vendredi” or “3/12”.", text=text.strip()[:40])


def _same_day_next_year(day: date, today: date, folded: str) -> bool:
    """dateparser's "future" pushes today's date, written without a year, to next year."""
    if re.search(r"\b\d{4}\b", folded):
        return False
    try:
        return day.replace(year=day.year - 1) == today
    except ValueError:  # 29 February
        return False


def _this_year_if_just_past(day: date, today: date, folded: str) -> date | None:
    """"le 20 novembre" said on the 26th is a past day, not next year's (the future is
    preferred only for a day more than a month ago: "15 janvier" said in December)."""
    if day.year <= today.year or re.search(r"\b\d{4}\b", folded) or not (
            _DAY_MONTH.search(folded) or _NUMERIC.search(folded)):
        return None
    try:
        this_year = day.replace(year=today.year)
    except ValueError:
        return None
    return this_year if 0 < (today - this_year).days <= JUST_PAST_DAYS else None


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The last instant of ``day`` in ``tz`` (a deadline "for the 15th")."""
    return datetime.combine(day, time(23, 59), tzinfo=tz)


def format_day(day: date, locale: str, *, today: date | None = None) -> str:
    """``jeu. 3 déc.`` / ``Thu 3 Dec``; the year only when it is not ``today``'s.

    Babel, here and wherever grappe formats a date or a number, is imported at the
    first one, not at start-up: its dates and numbers, pytz and the local zone it reads
    at import are 0.9 MB of a bot that has not answered yet (bench/README.md, 8 Dec)."""
    from babel.dates import format_date as babel_format_date

    pattern = "EEE d MMM"
    if day.year != (today or date.today()).year:
        pattern += " y"
    return babel_format_date(day, pattern, locale=locale)


def format_time(moment: time, locale: str) -> str:
    """``14 h``, ``14 h 30`` in French; ``14:00`` in English."""
    if locale != "fr":
        return moment.strftime("%H:%M")
    return f"{moment.hour}\u00a0h" + (f"\u00a0{moment.minute:02d}" if moment.minute else "")


def format_moment(moment: datetime, tz: ZoneInfo, locale: str, *,
                  today: date | None = None) -> str:
    """``jeu. 3 déc., 14 h`` — a day and a time in the cooperative's zone."""
    local = moment.astimezone(tz)
    day = format_day(local.date(), locale, today=today)
    return f"{day}, {format_time(local.time(), locale)}"
