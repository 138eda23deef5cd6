"""`leanclip logs` on the virtual board: real session files made by the firmware's own writer,
pulled through the framed binary stream, verified, resumed after a cut cable."""
import ast
import os
import signal
import subprocess
import time

import pytest
import serial

import logsample
from host_tools import logpull
from host_tools.commands import logs as logs_cmd
from host_tools.device import Device
from host_tools.errors import UserError
from host_tools.virtualboard import VirtualBoard
from serialboard import BIN, leanclip, vboard  # noqa: F401 (fixture)


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


def _wait_for(predicate, timeout_s=30):
    end = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


def test_a_cable_pulled_mid_pull_is_one_line_and_the_next_pull_resumes(tmp_path):
    """Issue 15.1: the virtual board vanishes mid-transfer (its pty closes, as a USB serial
    device does when unplugged): exit 2 with the documented line, .part kept, then resumed."""
    board_dir = tmp_path / "board"
    (board_dir / "logs").mkdir(parents=True)
    logsample.drive(logsample.writer(str(board_dir / "logs" / "00001.lcl"), raw=True), 90,
                    raw=True)
    data = (board_dir / "logs" / "00001.lcl").read_bytes()
    local = tmp_path / "here"
    part = local / "00001.lcl.part"
    board = VirtualBoard(board_dir, baud=115200).start()  # paced: the pull takes seconds
    try:
        assert board.wait_booted()
        proc = subprocess.Popen([str(BIN / "leanclip"), "logs", "pull", "--port", board.port,
                                 "--dir", str(local)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        _wait_for(lambda: part.exists() and part.stat().st_size >= 4 * logpull.FRAME_BYTES)
    finally:
        board.stop()  # the cable is pulled
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "connection lost pulling /logs/00001.lcl" in err
    assert err.strip().endswith("run the pull again to resume")
    held = part.stat().st_size
    assert 0 < held < len(data) and part.read_bytes() == data[:held]
    board = VirtualBoard(board_dir, baud=0).start()  # plugged in again
    try:
        assert board.wait_booted()
        status, out, err = leanclip("logs", "pull", "--port", board.port, "--dir", str(local))
        sent = board.to_host.bytes
    finally:
        board.stop()
    assert status == 0, err
    assert (local / "00001.lcl").read_bytes() == data and not part.exists()
    assert sent < len(data) - held + 16 * 1024  # the rest (and the listing), not it all


def test_a_board_that_resets_mid_pull_is_retried_to_the_end(vboard, tmp_path):
    """Issue 15.1: the board restarts mid-transfer (a reset, a brown-out): its definitions are
    gone, so the retry must define the sender again instead of calling a name that is gone."""
    data = raw_session(vboard, 30)
    local = tmp_path / "00001.lcl"
    boots = vboard.boots
    reset = []

    def reset_once(done):
        if done > 3 * logpull.FRAME_BYTES and not reset:
            reset.append(done)
            os.killpg(vboard._child.pid, signal.SIGKILL)  # it restarts as a board does

    with Device(vboard.port) as device:
        logpull.pull(device, "/logs/00001.lcl", local, len(data), progress=reset_once)
    assert reset and vboard.boots > boots and local.read_bytes() == data


def test_a_symlink_planted_as_the_part_file_is_never_followed(vboard, tmp_path):
    data = raw_session(vboard, 5)
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    local = tmp_path / "here"
    local.mkdir()
    (local / "00001.lcl.part").symlink_to(victim)
    status, _, err = logs(vboard, local, "pull")
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert "00001.lcl.part" in err and "remove it and" in err
    assert victim.read_bytes() == b"precious" and not (local / "00001.lcl").exists()
    assert (vboard.board_dir / "logs" / "00001.lcl").read_bytes() == data


def test_names_on_the_board_are_checked_before_they_become_local_paths(vboard, tmp_path):
    """Issue 14.6/14.12: `../escape.lcl` is never written outside --dir nor deleted; a directory
    or a non-UTF-8 name in /logs is skipped with a note and the real sessions still pulled."""
    logs_dir = vboard.board_dir / "logs"
    logs_dir.mkdir()
    logsample.drive(logsample.writer(str(logs_dir / "00001.lcl")), 5)
    (logs_dir / "00002.lcl").mkdir()
    with open(os.path.join(bytes(logs_dir), b"0000\xff.lcl"), "wb") as f:
        f.write(b"x")
    (vboard.board_dir / "escape.lcl").write_bytes(b"outside")
    # A board can list anything: this one also lists a name that climbs out of /logs.
    with Device(vboard.port) as device:
        exec_ = device.exec

        def lying_exec(code, timeout_s=10):
            out = exec_(code, timeout_s)
            if "_lc_sessions" in code:
                entries = ast.literal_eval(out.decode())
                entries.append((b"../escape.lcl", False, 7, None, None))
                out = repr(entries).encode()
            return out

        device.exec = lying_exec
        notes = []
        found = logs_cmd.sessions(device, note=notes.append)
    assert [f[0] for f in found] == ["00001.lcl"]
    assert notes == ["skipped /logs/00002.lcl on the board: a directory, not a session",
                     "skipped /logs/0000\\xff.lcl on the board: not a session name (NNNNN.lcl)",
                     "skipped /logs/../escape.lcl on the board: not a session name (NNNNN.lcl)"]
    local = tmp_path / "pt" / "sessions"
    status, out, err = logs(vboard, local, "pull", "--delete-after")
    assert status == 0, err
    assert sorted(os.listdir(local)) == ["00001.lcl"]
    assert "a directory, not a session" in err and "0000\\xff.lcl" in err
    assert (vboard.board_dir / "escape.lcl").read_bytes() == b"outside"
    assert not (tmp_path / "pt" / "escape.lcl").exists()


def test_dir_naming_a_file_is_one_line(vboard, tmp_path):
    raw_session(vboard, 2)
    not_dir = tmp_path / "notes.txt"
    not_dir.write_text("mine")
    for action in ("pull", "list"):
        status, _, err = logs(vboard, not_dir, action)
        assert status == 2 and err.strip().endswith("is a file, not a directory: name a folder "
                                                     "for the sessions"), err
    assert not_dir.read_text() == "mine"
