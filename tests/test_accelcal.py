"""`leanclip accelcal`: the six-face solve, its refusals, and the flow against the virtual board
(the board's own still reading, the file the board then reads)."""
import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

from firmware.device import devconfig
from host_tools.commands import accelcal
from host_tools.errors import UserError
from serialboard import leanclip, vboard  # noqa: F401 (fixture)

OFFSETS = np.array([0.07, -0.05, 0.08])  # g: a poor MPU-6050 class part
SCALES = np.array([1.03, 0.97, 1.02])


def faces(tilt_deg=0.0, offsets=OFFSETS, scales=SCALES):
    """The six still means a sensor with these errors reads, each face resting tilt_deg off
    level (about the next axis, a different way on each face)."""
    t = math.radians(tilt_deg)
    out = []
    for i, (_, axis, sign) in enumerate(accelcal.FACES):
        force = np.zeros(3)
        force[axis] = sign * math.cos(t)
        force[(axis + 1 + i % 2) % 3] = math.sin(t) * (1 if i % 3 else -1)
        out.append(scales * force + offsets)
    return out


def reading(mean, spread_g=0.003, spread_dps=0.3, n=200):
    return {"n": n, "mean_g": list(mean), "spread_g": [spread_g] * 3, "spread_dps": spread_dps}


@pytest.mark.parametrize("tilt_deg", [0.0, 5.0])
def test_six_faces_give_the_offsets_and_scales_back(tilt_deg):
    """Exactly, also on a table 5 deg off level, where the plain (up + down) / 2 answer is
    0.4 % off in scale (cos 5 deg): more than the calibration's whole error budget."""
    offsets, scales = accelcal.six_face(faces(tilt_deg))
    assert np.allclose(offsets, OFFSETS, atol=2e-5) and np.allclose(scales, SCALES, atol=2e-5)


def test_identity_for_a_perfect_sensor():
    offsets, scales = accelcal.six_face(faces(offsets=np.zeros(3), scales=np.ones(3)))
    assert offsets == [0.0, 0.0, 0.0] and scales == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("change,message", [
    (dict(mean=[0.0, 0.0, 1.0]), "face +X: the board read +Z up, not +X"),
    (dict(mean=[-1.0, 0.0, 0.0]), "face +X: the board read -X up, not +X"),
    (dict(spread_g=0.05), "face +X: the board was not still (spread 0.050 g"),
    (dict(spread_dps=9.0), "face +X: the board was not still"),
    (dict(mean=[0.5, 0.1, 0.0]), "face +X: the board read 0.51 g, not ~1 g"),
    (dict(n=0), "face +X: the IMU gave 0 samples"),
])
def test_a_reading_that_is_not_the_face_still_is_refused(change, message):
    r = reading([1.0, 0.0, 0.0])
    if change.get("n") == 0:
        r = {"n": 0}
    else:
        r = reading(change.get("mean", [1.0, 0.0, 0.0]), change.get("spread_g", 0.003),
                    change.get("spread_dps", 0.3))
    with pytest.raises(UserError) as e:
        accelcal.check_face(accelcal.FACES[0], r)
    assert str(e.value).startswith(message), str(e.value)
    assert accelcal.check_face(accelcal.FACES[0], reading([1.0, 0.0, 0.0])) is None


def test_a_result_the_board_would_not_accept_is_refused():
    with pytest.raises(UserError, match="past what the board accepts"):
        accelcal.six_face(faces(scales=np.array([1.2, 1.0, 1.0])))


def test_the_file_written_is_what_the_board_reads(tmp_path):
    offsets, scales = accelcal.six_face(faces())
    path = tmp_path / "accelcal.json"
    path.write_text(json.dumps([offsets, scales]))
    assert devconfig.accel_trim(str(path)) == [offsets, scales]
    for bad in ("[[0.3, 0, 0], [1, 1, 1]]", "[[0, 0], [1, 1]]", "{}", "[[0,0,0],[1,1,NaN]]",
                "[[0, 0, 0], [1, 1, 0.85]]", '[["a", 0, 0], [1, 1, 1]]'):
        path.write_text(bad)
        assert devconfig.accel_trim(str(path)) is None, bad
    assert devconfig.accel_trim(str(tmp_path / "none.json")) is None


def _flashed(vboard):
    assert leanclip("flash", "--board", "m5stickc-plus2", "--no-reset",
                    "--port", vboard.port)[0] == 0


def test_the_board_reads_still_and_refuses_the_wrong_face(vboard):
    """The virtual board lies flat (+Z up): its own still reading through the flashed firmware,
    then the command's first face (+X) refused in one line, exit 2, nothing written."""
    _flashed(vboard)
    from host_tools.device import Device

    with Device(vboard.port) as device:
        r = accelcal.measure(device, seconds=1.0)
    assert r["n"] >= 50
    assert np.allclose(r["mean_g"], [0, 0, 1], atol=0.01) and max(r["spread_g"]) < 0.01
    status, out, err = leanclip("accelcal", "--port", vboard.port, input_text="\n")
    assert status == 2 and err.strip().splitlines()[-1].startswith(
        "leanclip accelcal: face +X: the board read +Z up, not +X"), err
    assert not (vboard.board_dir / "accelcal.json").exists()


def test_six_faces_written_to_the_board_and_cleared(vboard, monkeypatch):
    """The whole flow with the six readings given (one board cannot be turned here): the file
    lands on the board as the board reads it and stays through `leanclip flash`; --clear removes
    it; a second --clear is refused."""
    means = iter(faces(3.0))
    monkeypatch.setattr(accelcal, "measure", lambda device: reading(next(means)))
    args = SimpleNamespace(port=vboard.port, baud=115200, clear=False)
    lines = []
    assert accelcal.run(args, ask=lambda prompt: "", out=lines.append) == 0
    path = vboard.board_dir / "accelcal.json"
    offsets, scales = devconfig.accel_trim(str(path))
    assert np.allclose(offsets, OFFSETS, atol=2e-5) and np.allclose(scales, SCALES, atol=2e-5)
    assert "written to /accelcal.json" in lines[-1]
    _flashed(vboard)
    assert devconfig.accel_trim(str(path)) == [offsets, scales]
    args.clear = True
    assert accelcal.run(args, out=lines.append) == 0 and not path.exists()
    with pytest.raises(UserError, match="no calibration"):
        accelcal.run(args)
