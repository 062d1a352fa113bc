"""The working-day calendar (spec README §4): Tết, weekends, make-up Saturdays and extra days off.

The public holidays come from the seeded `CalendarDay` table; each test seeds the year it needs
(idempotent) instead of relying on what `migrate` happened to seed when the test database was built.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from core.models import CalendarDay
from core.workdays import add_working_days, is_working_day, seed_year, working_days_between

ONE_DAY = datetime.timedelta(days=1)
D = datetime.date


@pytest.fixture
def year_2026(db):
    seed_year(2026)


@pytest.fixture
def year_2030(db):
    seed_year(2030)


def _days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def test_tet_2026_from_14_to_22_february_is_nine_days_off(year_2026):
    assert [day for day in _days(D(2026, 2, 14), D(2026, 2, 22)) if is_working_day(day)] == []
    # The days around it are ordinary working days.
    assert is_working_day(D(2026, 2, 13))
    assert is_working_day(D(2026, 2, 23))


def test_seven_working_days_from_friday_13_february_2026_is_tuesday_3_march(year_2026):
    # Receipt on the last day before Tết: 23, 24, 25, 26, 27 Feb, 2 Mar, 3 Mar.
    assert add_working_days(D(2026, 2, 13), 7) == D(2026, 3, 3)


def test_the_day_of_receipt_is_not_counted(year_2026):
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 3)) == 1


# Start dates around every 2026 exception (New Year, Tết, 30/4–1/5 with Hùng Kings' day, the 22/8 ↔ 31/8
# swap and 2/9, 24/11) and the weekends between them.
START_DATE_RANGES_2026 = [
    (D(2025, 12, 20), D(2026, 3, 10)),
    (D(2026, 4, 15), D(2026, 5, 8)),
    (D(2026, 8, 14), D(2026, 9, 8)),
    (D(2026, 11, 14), D(2026, 11, 30)),
]


def test_a_deadline_is_the_nth_working_day_and_never_a_day_off(year_2026):
    seed_year(2025)
    working = {}
    problems = []
    for first, last in START_DATE_RANGES_2026:
        for start in _days(first, last):
            for n in range(1, 11):
                due = add_working_days(start, n)
                if due not in working:
                    working[due] = is_working_day(due)
                if not working[due]:
                    problems.append((start, n, due, "not a working day"))
                if (counted := working_days_between(start, due)) != n:
                    problems.append((start, n, due, f"{counted} working days"))
                # The first such day, not a later one: the day before holds only n - 1 working days.
                if (counted := working_days_between(start, due - ONE_DAY)) != n - 1:
                    problems.append((start, n, due, f"the day before already has {counted} working days"))
    assert problems == []


def test_a_make_up_working_saturday_counts_and_shortens_a_deadline(year_2026):
    friday, saturday = D(2026, 3, 6), D(2026, 3, 7)
    assert add_working_days(friday, 7) == D(2026, 3, 17)
    assert not is_working_day(saturday)

    CalendarDay.objects.create(date=saturday, kind=CalendarDay.Kind.MAKEUP_WORKDAY, name="Làm bù cho ngày nghỉ thêm")

    assert is_working_day(saturday)
    assert add_working_days(friday, 1) == saturday
    assert add_working_days(friday, 7) == D(2026, 3, 16)


def test_an_extra_day_off_added_by_an_admin_lengthens_a_deadline(year_2026):
    friday, monday = D(2026, 3, 6), D(2026, 3, 9)
    assert add_working_days(friday, 7) == D(2026, 3, 17)

    CalendarDay.objects.create(date=monday, kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ thêm theo thông báo")

    assert not is_working_day(monday)
    assert add_working_days(friday, 1) == D(2026, 3, 10)
    assert add_working_days(friday, 7) == D(2026, 3, 18)


def test_the_seeded_2026_national_day_swap_has_its_make_up_saturday(year_2026):
    # Monday 31/08/2026 off in exchange for working on Saturday 22/08/2026: both halves of the swap.
    saturday = CalendarDay.objects.get(date=D(2026, 8, 22))
    assert saturday.kind == CalendarDay.Kind.MAKEUP_WORKDAY
    assert "31/08/2026" in saturday.name
    assert not is_working_day(D(2026, 8, 31))
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)


def test_tet_2030_follows_the_vietnamese_not_the_chinese_lunar_calendar(year_2030):
    # Vietnamese Tết Canh Tuất is Saturday 2 Feb 2030; Chinese New Year is 3 Feb.
    tet = CalendarDay.objects.get(date__year=2030, name="Tết Nguyên Đán")
    assert tet.date == D(2030, 2, 2)
    assert tet.kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.get(date=D(2030, 2, 3)).name == "Mùng hai Tết Nguyên Đán"
    assert CalendarDay.objects.get(date=D(2030, 2, 1)).name == "Giao thừa Tết Nguyên Đán"
    assert [day for day in _days(D(2030, 2, 1), D(2030, 2, 6)) if is_working_day(day)] == []
    assert is_working_day(D(2030, 2, 7))


def test_seeding_twice_adds_nothing_the_second_time(db):
    CalendarDay.objects.filter(date__year=2026).delete()

    added = seed_year(2026)

    assert added == CalendarDay.objects.filter(date__year=2026).count()
    assert added >= 10
    assert seed_year(2026) == 0
    assert CalendarDay.objects.filter(date__year=2026).count() == added


def test_seeding_keeps_a_seeded_day_that_an_admin_edited(admin_client, year_2026):
    tet = CalendarDay.objects.get(date=D(2026, 2, 17))
    assert tet.source == CalendarDay.Source.SEEDED

    response = admin_client.post(
        f"/quan-tri/core/calendarday/{tet.pk}/change/",
        {
            "date": "17/02/2026",
            "kind": CalendarDay.Kind.HOLIDAY,
            "name": "Mùng 1 Tết Bính Ngọ",
            "legal_basis": "Thông báo 6150/TB-BNV",
            "source": CalendarDay.Source.SEEDED,
            "_save": "Lưu",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert seed_year(2026) == 0
    tet.refresh_from_db()
    assert tet.name == "Mùng 1 Tết Bính Ngọ"
    assert tet.legal_basis == "Thông báo 6150/TB-BNV"
    assert tet.source == CalendarDay.Source.MANUAL


def test_working_days_between_the_same_day_is_zero(year_2026):
    assert working_days_between(D(2026, 3, 4), D(2026, 3, 4)) == 0


def test_working_days_between_days_off_only_is_zero(year_2026):
    assert working_days_between(D(2026, 3, 7), D(2026, 3, 8)) == 0  # Saturday → Sunday
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 22)) == 0  # Friday before Tết → end of Tết


def test_working_days_between_is_negative_when_the_end_is_earlier(year_2026):
    assert working_days_between(D(2026, 3, 3), D(2026, 2, 13)) == -7
    assert working_days_between(D(2026, 3, 10), D(2026, 3, 9)) == -1
    for start in _days(D(2026, 2, 1), D(2026, 3, 15)):
        assert working_days_between(D(2026, 2, 20), start) == -working_days_between(start, D(2026, 2, 20))


def test_a_negative_number_of_working_days_is_refused(db):
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 3, 2), -1)


def test_seed_calendar_command_seeds_the_years_asked_for(db):
    CalendarDay.objects.filter(date__year__in=[2040, 2041]).delete()

    out = io.StringIO()
    call_command("seed_calendar", "2040", "2041", stdout=out)

    assert CalendarDay.objects.filter(date__year=2040).exists()
    assert CalendarDay.objects.filter(date__year=2041).exists()
    added = CalendarDay.objects.filter(date__year__in=[2040, 2041]).count()
    assert f"{added} days added for 2040–2041" in out.getvalue()


@pytest.mark.parametrize(
    "args",
    [("2031", "2030"), ("1989",), ("2101",), ("2099", "2101"), ("năm-nay",)],
    ids=["last-before-first", "too-early", "too-late", "range-too-late", "not-a-number"],
)
def test_seed_calendar_command_refuses_bad_years(db, args):
    before = CalendarDay.objects.count()

    with pytest.raises(CommandError):
        call_command("seed_calendar", *args)

    assert CalendarDay.objects.count() == before

