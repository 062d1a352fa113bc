"""The one working-day calendar (spec README §4; decree73.md §3 "Time units").

Counting rule, written once:
- A working day is Monday to Friday, minus public holidays and extra days off, plus the make-up working
  Saturdays (ngày làm bù) that a decision announces. The table `CalendarDay` holds every exception.
- "Within N working days from receipt": the day of receipt is not counted; the deadline is the N-th
  working day after it. It therefore always lands on a working day, never on a weekend or a holiday.
- `working_days_between(a, b)` counts the working days after `a` up to and including `b`, the same rule,
  so that `working_days_between(a, add_working_days(a, n)) == n`.
"""

import datetime

import holidays
from django.db import transaction

from .models import CalendarDay

ONE_DAY = datetime.timedelta(days=1)
SEEDED_LEGAL_BASIS = "Bộ luật Lao động 2019, Điều 112 (theo thư viện holidays, cần đối chiếu thông báo hằng năm)"


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    return dict(rows)


def _is_working(day: datetime.date, exceptions: dict[datetime.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.MAKEUP_WORKDAY:
        return True
    if kind in (CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.DAY_OFF):
        return False
    return day.weekday() < 5


def is_working_day(day: datetime.date) -> bool:
    return _is_working(day, _exceptions(day, day))


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date of the `n`-th working day after `start` (the day of receipt is not counted)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        day = start
        exceptions = _exceptions(start, start + datetime.timedelta(days=60))
        while not _is_working(day, exceptions):
            day += ONE_DAY
        return day
    # Two calendar days per working day plus a month covers any Vietnamese holiday season in one query.
    window_end = start + datetime.timedelta(days=2 * n + 31)
    exceptions = _exceptions(start, window_end)
    day, counted = start, 0
    while counted < n:
        day += ONE_DAY
        if day > window_end:
            window_end = day + datetime.timedelta(days=2 * n + 31)
            exceptions.update(_exceptions(day, window_end))
        if _is_working(day, exceptions):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
    if end < start:
        return -working_days_between(end, start)
    exceptions = _exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if _is_working(day, exceptions):
            count += 1
    return count


def seed_year(year: int) -> int:
    """Create the public holidays of `year` from the `holidays` package; keeps what an admin entered.

    A government swap ("nghỉ thứ Hai, làm bù thứ Bảy") gives two rows: the weekday off, and the Saturday
    that becomes a working day (`weekend_workdays` in the package). Seeding only the day off would move
    every deadline that spans the swap one working day later.

    Returns the number of days added. Idempotent: a date already in the table is left alone.
    """
    official = holidays.country_holidays("VN", years=year, language="vi")
    rows = {day: (CalendarDay.Kind.HOLIDAY, name) for day, name in official.items()}
    for day in official.weekend_workdays:
        if day.year != year:
            continue  # the package keeps swaps of other years in the same set
        marker = f"{day:%d/%m/%Y}"
        swapped_with = next((other for other, name in official.items() if marker in name), None)
        name = f"Ngày làm bù (thay cho ngày nghỉ {swapped_with:%d/%m/%Y})" if swapped_with else "Ngày làm bù"
        rows[day] = (CalendarDay.Kind.MAKEUP_WORKDAY, name)
    existing = set(CalendarDay.objects.filter(date__in=rows).values_list("date", flat=True))
    new_days = [
        CalendarDay(
            date=day,
            kind=kind,
            name=name[:200],
            legal_basis=SEEDED_LEGAL_BASIS,
            source=CalendarDay.Source.SEEDED,
        )
        for day, (kind, name) in sorted(rows.items())
        if day not in existing
    ]
    with transaction.atomic():
        CalendarDay.objects.bulk_create(new_days, ignore_conflicts=True)
    return len(new_days)


def seed_years(first: int, last: int) -> int:
    return sum(seed_year(year) for year in range(first, last + 1))
