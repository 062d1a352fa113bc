"""Report periods (spec reports.md "Cut-off dates"): calendar years and quarters for internal reports, or the
Decree 09/2019 cut-off for reports sent upward: a year runs 15/12 of the year before to 14/12, a quarter from
the 15th of the month before it to the 14th of its last month. Every bound is a local date (Asia/Ho_Chi_Minh):
a proposal received on 31/12 at 23:30 local time was received on 31/12 (`Proposal.received_on` is a local date).
"""

import dataclasses
import datetime

from django.utils import timezone

from proposals.models import LegalProfile

Kind = LegalProfile.ReportPeriod


@dataclasses.dataclass(frozen=True)
class Period:
    start: datetime.date  # first day, inclusive
    end: datetime.date  # last day, inclusive
    kind: str

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def range(self) -> tuple[datetime.date, datetime.date]:
        """For `__range` lookups on local dates."""
        return self.start, self.end

    def datetime_range(self) -> tuple[datetime.datetime, datetime.datetime]:
        """For timestamps: local midnight of the first day up to (excluded) local midnight after the last day."""
        zone = timezone.get_default_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        return start, after

    def __str__(self):
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def year_period(year: int, kind: str = Kind.CALENDAR) -> Period:
    if kind == Kind.DECREE_09:
        return Period(datetime.date(year - 1, 12, 15), datetime.date(year, 12, 14), kind)
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), Kind.CALENDAR)


def quarter_period(year: int, quarter: int, kind: str = Kind.CALENDAR) -> Period:
    if not 1 <= quarter <= 4:
        raise ValueError(quarter)
    first_month = 3 * quarter - 2
    last_month = first_month + 2
    if kind == Kind.DECREE_09:
        start = datetime.date(year - 1, 12, 15) if quarter == 1 else datetime.date(year, first_month - 1, 15)
        return Period(start, datetime.date(year, last_month, 14), kind)
    after = datetime.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return Period(datetime.date(year, first_month, 1), after - datetime.timedelta(days=1), Kind.CALENDAR)


def previous_quarter(today: datetime.date) -> tuple[int, int]:
    """The calendar quarter before the one `today` is in: what the beat produces after a quarter ends."""
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
