"""The shared form fields: how a time of day may be written."""
import pytest

from binnenwerk.formatting import time_of_day_minutes


@pytest.mark.parametrize("text,minutes", [
    ("9", 540), ("09", 540), ("9.30", 570), ("9:30", 570), ("09.30", 570), ("09:30", 570), ("0930", 570),
    ("930", 570), ("14", 840), ("1400", 840), (" 14.00 ", 840), ("0", 0), ("24", 1440), ("24:00", 1440),
])
def test_a_time_of_day_may_be_written_the_dutch_way(text, minutes):
    assert time_of_day_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "9 uur", "9.3", "9:5", "9,30", "25", "24:30", "9:60", "12345", "9.30.00", "-9"])
def test_what_is_no_time_of_day_is_refused(text):
    with pytest.raises(ValueError):
        time_of_day_minutes(text)
