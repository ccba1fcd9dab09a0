"""Time for support targets: wall-clock minutes for around-the-clock levels, business minutes otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days and hours in one time zone, with holidays; the clock only runs inside them."""

    tz: str = "UTC"
    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def _window(self, day: date) -> tuple[datetime, datetime]:
        # Built from the local date and wall time, so daylight-saving changes shift the UTC instants.
        return (
            datetime.combine(day, self.start, tzinfo=self.zone),
            datetime.combine(day, self.end, tzinfo=self.zone),
        )

    def add_business_minutes(self, start: datetime, minutes: float) -> datetime:
        """The instant `minutes` of working time after `start`."""
        remaining = timedelta(minutes=minutes)
        cursor = start.astimezone(self.zone)
        for _ in range(3660):  # ten years of days is a safe upper bound
            day = cursor.date()
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin = max(cursor, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(start.tzinfo or self.zone)
                    remaining -= available
            next_day = day + timedelta(days=1)
            cursor = datetime.combine(next_day, time(0, 0), tzinfo=self.zone)
        raise ValueError("The calendar has no working time.")

    def business_minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes between two instants (0 when end is before start)."""
        if end <= start:
            return 0.0
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin, finish = max(start, opens), min(end, closes)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 60


DEFAULT_CALENDAR = BusinessCalendar()


def add_target(start: datetime, minutes: float, *, business_hours: bool, calendar: BusinessCalendar) -> datetime:
    """A deadline `minutes` after `start`, counted in business time when the level asks for it."""
    if business_hours:
        return calendar.add_business_minutes(start, minutes)
    return start + timedelta(minutes=minutes)
