"""Every event the log format knows has a plain-language line for a person, or is marked as the
device's housekeeping (shown with --verbose): no raw event name reaches a runner."""
import pytest

from firmware.core import config as fw_config
from firmware.core import logevents, logfmt
from host_tools import eventtext
from host_tools.commands import timeline

# every version's: a v1 log still holds pause/resume, which v2 dropped
NAMES = sorted({name for v in range(1, logfmt.VERSION + 1)
                for name, _ in logevents.event_types(v).values()})


@pytest.mark.parametrize("name", NAMES)
def test_every_logged_event_has_a_line_or_is_internal(name):
    assert (name in eventtext.PLAIN) != (name in eventtext.INTERNAL), name
    said = eventtext.line(name, {"value": 2.5}, fw_config.defaults())
    if name in eventtext.INTERNAL:
        assert said is None
        assert eventtext.internal_line(name, 3.0)[1].startswith(eventtext.INTERNAL[name])
    else:
        label, text = said
        assert label and "{" not in label + text
        assert "_" not in label or name == label  # not the raw name, unless it is a word


def test_no_line_for_an_event_the_log_format_does_not_have():
    assert set(eventtext.PLAIN) | set(eventtext.INTERNAL) <= set(NAMES)


def test_timeline_hides_housekeeping_unless_verbose():
    cfg = fw_config.defaults()
    events = [(1.0, "calibrated", ""), (9.0, "accel", "0.04"), (30.0, "buzz_upright", "2.1")]
    lines = []
    timeline.print_timeline([], events, cfg, out=lines.append)
    assert not any("accel" in x or "acceleration" in x for x in lines)
    assert any("running too upright, lean 2.1 deg (upright band: -2 to 4 deg)" in x
               for x in lines)
    verbose = []
    timeline.print_timeline([], events, cfg, out=verbose.append, verbose=True)
    assert any("forward acceleration" in x for x in verbose)


def test_enumerations_are_named_as_the_log_stores_them_or_as_a_replay_writes_them():
    cfg = fw_config.defaults()
    assert eventtext.line("state", {"state": 2}, cfg)[0] == "running"
    assert eventtext.line("state", "walking", cfg)[0] == "walking"
    assert eventtext.line("cue_summary", {"cue": 4}, cfg)[1].endswith(": good")
