"""The running forward check (firmware/core/forward.py, ForwardCheck): when corners' votes and
the lean may turn forward (issue 12, fifth round)."""
import math

from firmware.core.forward import ForwardCheck
from firmware.core.orientation import Frame

LEAN_DEG = 7.6
OFF_DEG = 42.0
SEEN_LEAN_DEG = 10.0  # a forward OFF_DEG off reads 2.6 deg low: a gain over the 2 deg floor


def _corner(check, frame, off_deg):
    """One 90 deg left corner (three strides) whose votes point off_deg from forward, towards
    h2; returns that direction."""
    a = math.radians(off_deg)
    n = [math.cos(a) * p + math.sin(a) * q for p, q in zip(frame.h1, frame.h2, strict=True)]
    up = frame.up
    # the centripetal force points left of the way run, up x n; the vote is yaw x (h x up)
    h = [up[1] * n[2] - up[2] * n[1], up[2] * n[0] - up[0] * n[2], up[0] * n[1] - up[1] * n[0]]
    for _ in range(3):
        check.turn(30.0, 0.2 * h[0], 0.2 * h[1], 0.2 * h[2], up[0], up[1], up[2], 1.0)
    return n


def _check():
    """A frame with up along z and forward its h1; a check that has seen one 90 deg left
    corner whose votes point OFF_DEG from forward, towards h2."""
    frame = Frame()
    frame.set_up(0.0, 0.0, 1.0)
    frame.set_forward(1.0, 0.0)
    check = ForwardCheck(frame)
    return frame, check, _corner(check, frame, OFF_DEG)


def _gravity(frame, lean_dir, lean_deg, side_dir=None, side=0.0):
    """Gravity (specific force at rest) of a trunk leaning lean_deg towards lean_dir, plus a
    sideways part `side` (of 1 g) along side_dir."""
    s, c = math.sin(math.radians(lean_deg)), math.cos(math.radians(lean_deg))
    g = [c * u - s * d for u, d in zip(frame.up, lean_dir, strict=True)]
    if side_dir is not None:
        g = [x - side * d for x, d in zip(g, side_dir, strict=True)]
    return g


def test_a_corner_vote_off_forward_needs_a_clear_lean_gain():
    """The forward in use is right; the corner's votes are 42 deg off it (a swung offset, a
    change of pace) and a sideways tilt the corner left in the estimate makes the lean along
    them a hair larger. Seed 1314 (held out, good grade) was turned 42 deg on 0.02 deg and read
    2 deg low for two minutes: a right correction gains L (1 - cos 42) = 2 deg, so a gain of a
    few hundredths is no evidence."""
    frame, check, n = _check()
    fwd = frame.forward
    a = math.radians(OFF_DEG)
    side = [(v - math.cos(a) * f) / math.sin(a) for v, f in zip(n, fwd, strict=True)]  # h2
    s = math.sin(math.radians(LEAN_DEG))
    tilt = (s * (1.0 - math.cos(a)) + 0.001) / math.sin(a)  # lean along n: +0.06 deg
    g = _gravity(frame, fwd, LEAN_DEG, side, tilt)
    assert check.due
    assert not check.verdict(*g)
    assert frame.forward == fwd


def test_a_forward_off_by_42_deg_is_still_corrected():
    """The set-off's forward is 42 deg off the way the trunk leans 10 deg, the corners say so:
    the lean along theirs gains the full 2.6 deg, and forward turns."""
    frame, check, n = _check()
    g = _gravity(frame, n, SEEN_LEAN_DEG)
    assert check.verdict(*g)
    assert abs(check.changed_deg - OFF_DEG) < 0.5
    assert sum(f * v for f, v in zip(frame.forward, n, strict=True)) > 0.9999


def test_a_lean_read_backward_is_no_evidence_for_a_new_forward():
    """The lean cue holds for a trunk leaning forward; mid-corner the accelerometer's offset
    swung round can leave the estimate reading the trunk arched along forward and along the
    votes' way alike, and a trunk arched along the true forward reads *less* arched along a
    wrong one. The margin (half the gain of a right correction) then turned negative, and seed
    1608 (chest upside-down, typical) was turned 59 deg on a lean of -5.7 deg against -5.5 and
    read 4.4 deg low for a minute."""
    frame, check, n = _check()
    fwd = frame.forward
    assert not check.verdict(*_gravity(frame, fwd, -5.0))
    assert frame.forward == fwd


def test_corners_that_agreed_with_forward_outvote_one_that_does_not():
    """Votes add up over every corner since forward was set: after three corners that agreed
    with forward (within the 25 deg that need no correction), one voting OFF_DEG off with the
    full lean gain along its way does not turn forward. Seed 1605 (waist, poor) was turned 35
    deg by its tenth corner after nine within 15 deg, and read 1.22 deg RMSE against 0.77."""
    frame = Frame()
    frame.set_up(0.0, 0.0, 1.0)
    frame.set_forward(1.0, 0.0)
    fwd = frame.forward
    check = ForwardCheck(frame)
    for _ in range(3):
        _corner(check, frame, 10.0)
        assert not check.verdict(*_gravity(frame, fwd, LEAN_DEG))
    n = _corner(check, frame, OFF_DEG)
    assert not check.verdict(*_gravity(frame, n, LEAN_DEG))
    assert frame.forward == fwd


def test_a_wrong_forward_is_corrected_by_corners_whose_lean_cue_came_late():
    """The set-off's forward is OFF_DEG off; the first corner's votes say so but the estimate
    reads no lean then (a stop right after it): no correction, and its votes are kept, so
    the next corner saying the same turns forward with them."""
    frame, check, n = _check()
    assert not check.verdict(*_gravity(frame, n, 0.0))
    _corner(check, frame, OFF_DEG)
    assert check.verdict(*_gravity(frame, n, SEEN_LEAN_DEG))
    assert abs(check.changed_deg - OFF_DEG) < 0.5


def test_a_lean_gain_under_2_deg_turns_no_forward():
    """The forward in use is right, the trunk leans 2 deg (little lean: the half-gain margin is
    0.1 deg at 26 deg); the corners' votes point 26 deg off it and the sideways tilt a corner
    leaves makes the lean along them 0.33 deg larger. Seed 1345 (waist, poor) was turned 26
    deg the wrong way on exactly that and read 1.43 deg RMSE: a gain under 2 deg is within
    what that tilt fakes, and a forward whose error costs the lean less is left."""
    frame = Frame()
    frame.set_up(0.0, 0.0, 1.0)
    frame.set_forward(1.0, 0.0)
    fwd = frame.forward
    check = ForwardCheck(frame)
    off = math.radians(26.0)
    _corner(check, frame, 26.0)
    s = math.sin(math.radians(2.0))
    tilt = (s * (1.0 - math.cos(off)) + math.radians(0.33)) / math.sin(off)
    assert check.due
    assert not check.verdict(*_gravity(frame, fwd, 2.0, frame.h2, tilt))
    assert frame.forward == fwd
