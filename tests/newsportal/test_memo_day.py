"""The day in kept blocks' keys (newsportal/caching/template_tags.py, today()) follows the
clock across midnight, daylight saving and a clock set back."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from newsportal.caching.template_tags import today

ATHENS = ZoneInfo("Europe/Athens")


def test_the_day_changes_at_the_site_s_midnight_and_follows_a_clock_set_back(time_machine):
    # The night the clocks go forward in Athens (29 March 2026, 03:00 -> 04:00).
    time_machine.move_to(datetime(2026, 3, 28, 23, 59, 59, tzinfo=ATHENS), tick=False)
    assert today() == date(2026, 3, 28)
    time_machine.move_to(datetime(2026, 3, 29, 0, 0, 1, tzinfo=ATHENS), tick=False)
    assert today() == date(2026, 3, 29)
    time_machine.move_to(datetime(2026, 3, 29, 23, 59, 59, tzinfo=ATHENS), tick=False)
    assert today() == date(2026, 3, 29)  # a 23-hour day
    time_machine.move_to(datetime(2026, 3, 30, 0, 0, 0, tzinfo=ATHENS), tick=False)
    assert today() == date(2026, 3, 30)
    time_machine.move_to(datetime(2026, 3, 28, 12, 0, tzinfo=ATHENS), tick=False)
    assert today() == date(2026, 3, 28)
