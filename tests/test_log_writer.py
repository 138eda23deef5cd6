"""The device writer: power cuts, a full flash, retention, and the same bytes on MicroPython."""
import errno
import io
import os
import shutil
from pathlib import Path

import pytest

import logsample
from firmware.core import logfmt
from firmware.core.summary import SummarySink
from firmware.device.sessionstart import SessionStore
from host_tools import logread


@pytest.mark.parametrize("raw", [False, True], ids=["summary", "raw"])
def test_a_power_cut_at_any_moment_loses_at_most_the_current_second(raw):
    f = logsample.CountingFile()
    checked = []

    def power_cut_now(t_ms):
        if (t_ms // 10) % 7:
            return
        s = logread.decode(bytes(f.durable))  # what the flash holds if power goes now
        assert s.recovery.skipped == 0
        done_s = t_ms // 1000  # seconds fully over
        assert s.summary["t_s"].tolist() == list(range(done_s)), t_ms
        assert all(e[0] <= done_s * 1000 for e in s.events)
        if raw:
            times, _ = s.raw()
            newest = times[-1] if len(times) else 0
            assert t_ms - newest <= 1000, (t_ms, newest)
        checked.append(t_ms)

    logsample.drive(logsample.writer(f, raw=raw, raw_samples=64), 6.0, raw=raw,
                    checkpoint=power_cut_now)
    assert len(checked) > 50
    full = logread.decode(bytes(f.durable))
    assert len(full.summary["t_s"]) == 7 and not f.pending


@pytest.mark.parametrize("raw", [False, True], ids=["summary", "raw"])
def test_a_full_flash_stops_logging_quietly_and_keeps_what_was_written(raw):
    """ENOSPC at every possible point: the loop never sees an exception, the log is an
    intact prefix of the session, and the stop is recorded when a last write still fits."""
    whole = io.BytesIO()
    logsample.drive(logsample.writer(whole, raw=raw), 4.0, raw=raw)
    whole = logread.decode(whole.getvalue())
    sizes = range(0, 700, 3) if raw else range(0, 200, 1)
    saw_event = False
    for capacity in sizes:
        f = logsample.CountingFile(capacity)
        w = logsample.writer(f, raw=raw)
        logsample.drive(w, 4.0, raw=raw)  # must not raise
        assert w.stopped == "flash full"
        s = logread.decode(bytes(f.durable + f.pending))
        # a block written in parts may stop half way; the reader skips it as one damaged stretch
        assert s.recovery.damaged <= 1 and s.recovery.malformed == 0
        n = len(s.summary["t_s"])
        assert s.summary["lean_deg"].tolist() == whole.summary["lean_deg"][:n].tolist()
        names = [e[1] for e in s.events]
        if names[-1:] == ["flash_full"]:
            saw_event = True
            assert s.events[-1][0] >= (n - 1) * 1000
            names.pop()
        assert names == [e[1] for e in whole.events][:len(names)]
    assert saw_event


def test_the_pipeline_keeps_going_after_the_flash_fills():
    f = logsample.CountingFile(60)
    w = logsample.writer(f)
    sink = SummarySink(w, 0)
    for t in range(0, 5000, 100):
        sink.lean(t, 5.0, 0.0, 170.0, 2, 600)
        sink.event(t, "buzz_arch", -3.0)
        sink.poll(t)
    sink.close(5000)
    assert w.stopped == "flash full"


def test_other_write_errors_stop_logging_with_the_reason():
    class Broken(logsample.CountingFile):
        def flush(self):
            raise OSError(errno.EIO)

    w = logsample.writer(Broken())
    assert w.stopped.startswith("log write failed")
    w.summary(0, 1.0, 0.0, 0.0, 0)  # no raise, no write


@pytest.mark.parametrize("raw", [False, True], ids=["summary", "raw"])
def test_a_reopened_writer_writes_what_a_new_one_would(raw):
    """The device's next session reuses the last writer (LogWriter.open: no new buffers in a
    heap the first session cut up): its log is byte for byte a new writer's, after a first
    session in the other mode that filled the flash (samples are fed in both modes: a summary
    log drops them)."""
    fresh = io.BytesIO()
    logsample.drive(logsample.writer(fresh, raw=raw), 3.0, raw=True)
    w = logsample.writer(logsample.CountingFile(100), raw=not raw)
    logsample.drive(w, 3.0, raw=not raw)
    assert w.stopped == "flash full"
    again = io.BytesIO()
    w.open(again, logfmt.MODE_RAW if raw else logfmt.MODE_SUMMARY, 7, logsample.RATE_HZ,
           4096.0, 16.384, 1764000000, logsample.META)
    logsample.drive(w, 3.0, raw=True)
    assert w.stopped is None
    assert again.getvalue() == fresh.getvalue()


def _make(store, *numbers):
    os.makedirs(store.directory, exist_ok=True)
    for n in numbers:
        Path(store.path(n)).write_bytes(b"x" * 100 * n)


def test_retention_deletes_only_under_the_users_rule(tmp_path):
    keep_all = SessionStore(str(tmp_path / "logs"))
    _make(keep_all, 1, 2, 3)
    Path(keep_all.directory, "notes.txt").write_text("not a session")
    assert keep_all.new_session() == (4, keep_all.path(4))
    assert keep_all.index() == [(1, 100), (2, 200), (3, 300)]
    assert keep_all.retain() == []

    assert SessionStore(keep_all.directory, keep_sessions=2).new_session()[0] == 4
    assert keep_all.numbers() == [3]  # room for the new one: 2 kept including it
    assert Path(keep_all.directory, "notes.txt").exists()


def test_retention_by_free_space(tmp_path):
    class Fs:
        """os, with a flash of 10 kB."""
        listdir, stat, remove, mkdir = os.listdir, os.stat, os.remove, os.mkdir

        def statvfs(self, path):
            used = sum(os.path.getsize(os.path.join(path, n)) for n in os.listdir(path))
            return (512, 512, 20, 0, (10240 - used) // 512)

    store = SessionStore(str(tmp_path), min_free_kb=6, fs=Fs())
    _make(store, 1, 2, 3, 4, 5)  # 1500 bytes
    for n in range(6, 10):
        Path(store.path(n)).write_bytes(b"y" * 1000)
    assert store.free_kb() < 6
    number, _ = store.new_session()
    assert store.free_kb() >= 6 and number == 10
    assert store.numbers()[0] > 1 and store.numbers()[-1] == 9


def test_micropython_writes_the_same_bytes_as_cpython(tmp_path, interp):
    root = interp.compile_firmware(tmp_path / "lib")
    shutil.copy(Path(logsample.__file__), tmp_path / "lib" / "logsample.py")
    for mode in ("summary", "raw"):
        out = tmp_path / (mode + ".lcl")
        interp.run(Path(logsample.__file__), root, str(out), mode, "3.0")
        ref = tmp_path / (mode + "-cpython.lcl")
        logsample.drive(logsample.writer(str(ref), raw=mode == "raw"), 3.0, raw=mode == "raw")
        assert out.read_bytes() == ref.read_bytes(), mode
        assert logread.decode(out.read_bytes()).recovery.skipped == 0


def test_a_full_flash_on_micropython_stops_the_log_not_the_loop(tmp_path, interp):
    root = interp.compile_firmware(tmp_path / "lib")
    shutil.copy(Path(logsample.__file__), tmp_path / "lib" / "logsample.py")
    script = tmp_path / "full.py"
    script.write_text(
        "import sys, logsample\n"
        "f = logsample.CountingFile(300)\n"
        "w = logsample.writer(f, raw=True)\n"
        "logsample.drive(w, 3.0, raw=True)\n"
        "print(w.stopped)\n"
        "open(sys.argv[1], 'wb').write(f.durable + f.pending)\n")
    out = interp.run(script, root, str(tmp_path / "full.lcl"))
    assert out.strip() == "flash full"
    s = logread.decode((tmp_path / "full.lcl").read_bytes())
    assert s.header["mode"] == "raw" and s.recovery.malformed == 0
    assert s.events[-1][1] == "flash_full" and s.events[-1][0] > 0


def _run_on(interp, tmp_path, text, *args):
    """`text` as a script on `interp`, the compiled firmware importable; its stdout."""
    root = interp.compile_firmware(tmp_path / "lib")
    script = tmp_path / "script.py"
    script.write_text(text)
    return interp.run(script, root, *args)


def test_the_session_store_works_on_micropython(tmp_path, interp):
    out = _run_on(
        interp, tmp_path,
        "from firmware.device.sessionstart import SessionStore\n"
        "import sys\n"
        "s = SessionStore(sys.argv[1] + '/logs', keep_sessions=2)\n"
        "for i in range(4):\n"
        "    n, p = s.new_session()\n"
        "    f = open(p, 'wb'); f.write(b'abc' * n); f.close()\n"
        "print(s.index(), s.free_kb() > 0)\n", str(tmp_path))
    assert out.split() == ["[(3,", "9),", "(4,", "12)]", "True"]


def test_event_values_must_fit_their_fields():
    with pytest.raises(ValueError):
        logfmt.pack_event(bytearray(64), 0, 0, logfmt.EVENT_CODES["battery"], (1, 2))
    assert logfmt.event_size(logfmt.EVENT_CODES["error"], "x" * 400) == 6 + 255


def test_the_writers_crc_is_binascii_crc32():
    import binascii
    import random

    rnd = random.Random(13)
    for size in (0, 1, 7, 8, 63, 2048):
        data = bytes(rnd.randrange(256) for _ in range(size))
        for split in sorted({0, size // 3, size}):
            c = logfmt.Crc32()
            c.update(data, 0, split)
            c.update(data, split, size)
            out = bytearray(4)
            c.pack_into(out, 0)
            assert int.from_bytes(out, "little") == binascii.crc32(data), (size, split)


def test_the_writers_crc_needs_no_heap_on_micropython(tmp_path, interp):
    """On a 32-bit port a CRC above 2**30 held as one int is a heap object, at every flush."""
    out = _run_on(
        interp, tmp_path,
        "import binascii, micropython\n"
        "from firmware.core.logfmt import Crc32\n"
        "data = bytes(range(256)) * 4\n"
        "c = Crc32()\n"
        "out = bytearray(4)\n"
        "def run(n):\n"
        "    c.reset()\n"
        "    c.update(data, 0, n)\n"
        "    c.pack_into(out, 0)\n"
        "run(1)\n"
        "micropython.heap_lock()\n"
        "for n in range(0, 1025, 64):  # ends with all 1024 bytes\n"
        "    run(n)\n"
        "micropython.heap_unlock()\n"
        "print(out == binascii.crc32(data).to_bytes(4, 'little'))\n")
    assert out.split() == ["True"]
