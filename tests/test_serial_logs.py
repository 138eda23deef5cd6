"""`leanclip logs` on the virtual board: real session files made by the firmware's own writer,
pulled through the framed binary stream, verified, resumed after a cut cable."""
import pytest
import serial

import logsample
from host_tools import logpull
from host_tools.device import Device
from host_tools.errors import UserError
from serialboard import leanclip, vboard  # noqa: F401 (fixture)


@pytest.fixture
def sessions(vboard):
    """Two sessions on the board and the firmware flashed (list reads headers with it)."""
    logs = vboard.board_dir / "logs"
    logs.mkdir()
    logsample.drive(logsample.writer(str(logs / "00001.lcl")), 20)
    logsample.drive(logsample.writer(str(logs / "00002.lcl"), raw=True), 12, raw=True)
    status, _, err = leanclip("flash", "--port", vboard.port, "--board", "esp32-devkitc",
                              "--no-reset")
    assert status == 0, err
    return logs


def logs(vboard, local, *args):
    return leanclip("logs", *args, "--port", vboard.port, "--dir", str(local))


def test_list_shows_size_start_and_duration_from_the_session_blocks(vboard, sessions, tmp_path):
    status, out, err = logs(vboard, tmp_path / "here", "list")
    assert status == 0, err
    rows = [line.split() for line in out.splitlines()[1:]]
    size = (sessions / "00001.lcl").stat().st_size
    # logsample: start 1764000000 (2025-11-24 16:00 UTC); 20 s of loop
    assert rows[0] == ["00001.lcl", str(size), "2025-11-24", "16:00", "UTC", "0:00:21", "no"]
    assert rows[1][0] == "00002.lcl" and rows[1][-1] == "no"


def test_pull_copies_new_sessions_exactly_then_only_new_ones(vboard, sessions, tmp_path):
    local = tmp_path / "pulled"
    status, out, err = logs(vboard, local, "pull")
    assert status == 0, err
    for name in ("00001.lcl", "00002.lcl"):
        assert (local / name).read_bytes() == (sessions / name).read_bytes()
    assert not list(local.glob("*.part"))
    logsample.drive(logsample.writer(str(sessions / "00003.lcl")), 5)
    status, out, _ = logs(vboard, local, "pull")
    assert out.splitlines() == ["pulled 00003.lcl (%d bytes, SHA-256 verified)"
                                % (sessions / "00003.lcl").stat().st_size]
    assert "yes" in logs(vboard, local, "list")[1].splitlines()[3]


def test_delete_after_removes_only_verified_sessions(vboard, sessions, tmp_path):
    local = tmp_path / "pulled"
    status, out, err = logs(vboard, local, "pull", "--delete-after")
    assert status == 0, err
    assert list(sessions.iterdir()) == []
    assert sorted(p.name for p in local.iterdir()) == ["00001.lcl", "00002.lcl"]


def test_rm_refuses_sessions_not_pulled_here(vboard, sessions, tmp_path):
    local = tmp_path / "pulled"
    status, _, err = logs(vboard, local, "rm", "00002.lcl")
    assert status == 2 and "not pulled" in err
    assert (sessions / "00002.lcl").exists()
    assert logs(vboard, local, "rm", "00002.lcl", "--force")[0] == 0
    assert not (sessions / "00002.lcl").exists()
    status, _, err = logs(vboard, local, "rm", "00009.lcl")
    assert status == 2 and "no session 00009.lcl" in err


def test_a_different_local_file_of_the_same_name_is_never_overwritten(vboard, sessions, tmp_path):
    local = tmp_path / "pulled"
    local.mkdir()
    (local / "00001.lcl").write_bytes(b"another board's run")
    status, _, err = logs(vboard, local, "pull")
    assert status == 2 and "differs" in err
    assert (local / "00001.lcl").read_bytes() == b"another board's run"


def raw_session(vboard, seconds):
    """/logs/00001.lcl on the board, a raw-mode session of `seconds`; returns its bytes."""
    path = vboard.board_dir / "logs" / "00001.lcl"
    path.parent.mkdir()
    logsample.drive(logsample.writer(str(path), raw=True), seconds, raw=True)
    return path.read_bytes()


def cut_after(device, n_bytes):
    """Make the cable 'break' after n_bytes more bytes arrive."""
    read = device.serial.read
    left = [n_bytes]

    def cut_read(n=1):
        if left[0] <= 0:
            raise serial.SerialException("device reports readiness to read but returned no data")
        data = read(min(n, left[0]))
        left[0] -= len(data)
        return data

    device.serial.read = cut_read


def test_a_cut_cable_leaves_a_verified_partial_that_the_next_pull_resumes(vboard, tmp_path):
    data = raw_session(vboard, 30)
    local = tmp_path / "00001.lcl"
    with Device(vboard.port) as device:
        cut_after(device, 5 * logpull.FRAME_BYTES)
        with pytest.raises(UserError, match="run the pull again to resume"):
            logpull.pull(device, "/logs/00001.lcl", local, len(data))
    part = tmp_path / "00001.lcl.part"
    assert not local.exists()
    assert 0 < part.stat().st_size < len(data)
    assert part.read_bytes() == data[:part.stat().st_size]  # only whole verified frames
    held = part.stat().st_size
    with Device(vboard.port) as device:  # opening drains what the board still had in flight
        sent_before = vboard.to_host.bytes
        logpull.pull(device, "/logs/00001.lcl", local, len(data))
        sent = vboard.to_host.bytes - sent_before
    assert local.read_bytes() == data and not part.exists()
    assert sent < len(data) - held + 1024  # the rest, not it all


def test_a_damaged_frame_is_fetched_again_from_the_last_good_byte(vboard, tmp_path):
    data = raw_session(vboard, 10)
    local = tmp_path / "00001.lcl"
    with Device(vboard.port) as device:
        read = device.serial.read
        seen = [0]

        def noisy_read(n=1):
            out = read(n)
            seen[0] += len(out)
            if seen[0] > 3 * logpull.FRAME_BYTES and seen[0] - len(out) <= 3 * logpull.FRAME_BYTES:
                out = bytes([out[0] ^ 0xFF]) + out[1:]  # one flipped byte on the wire, once
            return out

        device.serial.read = noisy_read
        logpull.pull(device, "/logs/00001.lcl", local, len(data))
    assert local.read_bytes() == data


def test_a_file_vanishing_on_the_board_is_one_clear_error(vboard, tmp_path):
    with Device(vboard.port) as device:
        with pytest.raises(UserError, match="ENOENT"):
            logpull.pull(device, "/logs/nope.lcl", tmp_path / "nope.lcl", 100)
