"""`leanclip flash`, `logs` and `live` set the board's clock from the host (machine.RTC), so
sessions carry real start times; here against the virtual board (real MicroPython)."""
import calendar
import time

from serialboard import leanclip, vboard  # noqa: F401 (fixture)

from host_tools.device import Device


def test_set_clock_writes_utc_into_the_boards_rtc(vboard):
    when = calendar.timegm((2026, 12, 4, 7, 31, 5, 0, 0, 0))  # a Friday
    with Device(vboard.port) as device:
        assert device.set_clock(when) == when
        got = device.eval("__import__('machine').RTC().datetime()")
    # (year, month, day, weekday Monday=0, hour, minute, second, subseconds): MicroPython's order
    assert tuple(got) == (2026, 12, 4, 4, 7, 31, 5, 0)


def test_logs_list_sets_the_clock(vboard, tmp_path):
    before = time.gmtime()
    status, _, err = leanclip("logs", "list", "--port", vboard.port, "--dir", str(tmp_path))
    assert status == 0, err
    with Device(vboard.port) as device:
        got = device.eval("__import__('machine').RTC().datetime()")
    assert got[0] == before.tm_year and got[1] == before.tm_mon
