"""Issue 15's rough edges (items 2-9, 11) and issue 14 item 10 (the replay CSV reader), one test
or more per item, each failing on the code before the fix. Item 10 (a board command during a
session) is in tests/test_serial_live.py, item 4's board run in tests/test_serial_live.py and
tests/test_boardsim.py, item 8 (README) in tests/test_readme.py."""
import gzip
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from host_tools import cli, replay_input
from host_tools.commands import export, live, logs as logs_cmd
from host_tools.errors import UserError
from host_tools.simulate.simulator import simulate, write

DATA = Path(__file__).parent / "data"
HEADER = "t,ax,ay,az,gx,gy,gz"


def _one_line_exit_2(capsys, argv):
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture(scope="module")
def run_csv(tmp_path_factory):
    """A short simulated run: stand, walk, run (100 Hz), as `leanclip simulate` writes it."""
    out = tmp_path_factory.mktemp("run")
    segs = [{"do": "stand", "s": 5}, {"do": "walk", "s": 5}, {"do": "run", "s": 30}]
    imu, truth, meta = simulate(segs, rate_hz=100, seed=4)
    write(out, imu, truth, meta)
    return out / "imu.csv"


def _rewrite(src, dst, gyro_scale=1.0, t_scale=1.0, fmt=None):
    lines = Path(src).read_text().splitlines()
    rows = [lines[0]]
    for line in lines[1:]:
        v = [float(x) for x in line.split(",")]
        v[0] *= t_scale
        v[4:] = [x * gyro_scale for x in v[4:]]
        rows.append(",".join("%.7g" % x for x in v))
    text = "\n".join(rows) + "\n"
    Path(dst).write_text(fmt(text) if fmt else text)
    return dst


# ---- item 2: wrong units are caught
def test_gyro_in_rad_per_s_is_caught_on_a_simulated_run(tmp_path, capsys, run_csv):
    rad = _rewrite(run_csv, tmp_path / "rad.csv", gyro_scale=np.pi / 180)
    err = _one_line_exit_2(capsys, ["replay", str(rad), "--out", str(tmp_path / "o")])
    assert "is it in rad/s?" in err and not (tmp_path / "o").exists()
    assert cli.main(["replay", str(run_csv), "--out", str(tmp_path / "ok")]) == 0


def test_gyro_in_rad_per_s_is_caught_on_real_jogging(tmp_path, capsys):
    """SisFall D04 SE03 (tests/data/README.md): accepted as recorded (deg/s), refused in rad/s."""
    real = tmp_path / "real.csv"
    real.write_bytes(gzip.decompress((DATA / "sisfall_D04_SE03_R01_40s.csv.gz").read_bytes()))
    rec = replay_input.load_imu_csv(real)
    assert rec.rate_hz == pytest.approx(200, rel=0.01) and rec.n == 8000
    rad = _rewrite(real, tmp_path / "rad.csv", gyro_scale=np.pi / 180)
    err = _one_line_exit_2(capsys, ["replay", str(rad), "--out", str(tmp_path / "o")])
    assert "is it in rad/s?" in err


def test_t_in_milliseconds_says_milliseconds(tmp_path, capsys, run_csv):
    ms = _rewrite(run_csv, tmp_path / "ms.csv", t_scale=1000.0)
    err = _one_line_exit_2(capsys, ["replay", str(ms), "--out", str(tmp_path / "o")])
    assert "milliseconds" in err and "0.1 Hz" not in err


# ---- item 3 and issue 14 item 10: binary and other encodings, one line
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.mark.parametrize("name, data, says", [
    ("png", PNG, "not a CSV file"),
    # a gzip file under a .csv name (NAME.csv.gz is read as the compressed CSV it is)
    ("gz", gzip.compress(b"t,ax,ay,az,gx,gy,gz\n0,0,0,1,0,0,0\n"), "not a CSV file"),
    ("utf16", (HEADER + "\n0,0,0,1,0,0,0\n").encode("utf-16"), "UTF-16"),
    ("latin1", ("# capteur \u00e9paule\n" + HEADER + "\n").encode("latin-1"), "not UTF-8"),
    ("zeros", bytes(100000), "binary data"),
])
def test_binary_and_non_utf8_input_is_one_line(tmp_path, capsys, name, data, says):
    f = tmp_path / "imu.csv"
    f.write_bytes(data)
    err = _one_line_exit_2(capsys, ["replay", str(f), "--out", str(tmp_path / "o")])
    assert says in err


def test_non_utf8_after_the_sniffed_start_is_one_line(tmp_path, capsys, run_csv):
    f = tmp_path / "late.csv"
    f.write_bytes(run_csv.read_bytes() + b"99.0,\xe9,0,1,0,0,0\n")
    err = _one_line_exit_2(capsys, ["replay", str(f), "--out", str(tmp_path / "o")])
    assert "not UTF-8" in err


@pytest.mark.parametrize("command", ["report", "timeline"])
def test_a_closed_pipe_is_no_traceback(tmp_path, run_csv, command):
    """`leanclip report ... | head`: the reader leaves before the writer is done."""
    out = tmp_path / "replay"
    assert cli.main(["replay", str(run_csv), "--out", str(out)]) == 0
    target = [str(out / "session.lcl"), "--out", str(tmp_path / "rep")] if command == "report" \
        else [str(out)]
    proc = subprocess.Popen([sys.executable, "-m", "host_tools.cli", command, *target],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head -0`: every write meets a closed pipe
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err


# ---- item 5: the advice names the real key
def test_summary_log_advice_names_log_raw(tmp_path, capsys, run_csv):
    out = tmp_path / "replay"
    assert cli.main(["replay", str(run_csv), "--out", str(out)]) == 0
    capsys.readouterr()
    err = _one_line_exit_2(capsys, ["replay", str(out / "session.lcl"),
                                    "--out", str(tmp_path / "o")])
    assert "log_raw" in err and "log_mode" not in err


# ---- item 6 and issue 14 item 10: what Excel writes, and CSVs that only look like logs
@pytest.mark.parametrize("name, fmt", [
    ("bom+crlf", lambda text: "\ufeff" + text.replace("\n", "\r\n")),
    ("upper-case header", lambda text: text.replace(HEADER, HEADER.upper(), 1)),
    ("t last", None),
])
def test_spreadsheet_csvs_are_accepted(tmp_path, capsys, run_csv, name, fmt):
    if fmt is None:  # columns reordered: t last (first byte 'a', once read as a session log)
        lines = run_csv.read_text().splitlines()
        text = "\n".join(",".join(c[1:] + c[:1]) for c in (x.split(",") for x in lines)) + "\n"
    else:
        text = fmt(run_csv.read_text())
    f = tmp_path / "imu.csv"
    f.write_bytes(text.encode("utf-8"))
    status = cli.main(["replay", str(f), "--out", str(tmp_path / "o")])
    out, err = capsys.readouterr()
    assert status == 0 and "calibrated at" in out, err


def test_a_headerless_csv_starting_with_1_is_a_csv_without_header(tmp_path, capsys):
    f = tmp_path / "imu.csv"
    f.write_text("".join("1%.2f,0,0,1,0,0,0\n" % (i / 100) for i in range(300)))
    err = _one_line_exit_2(capsys, ["replay", str(f), "--out", str(tmp_path / "o")])
    assert "has no header" in err


# ---- issue 14 item 10: memory does not grow with the recording
def _peak_bytes(path):
    tracemalloc.start()
    try:
        rec = replay_input.load_imu_csv(path)
        n = sum(len(chunk) // 6 for chunk in rec.batches(32))
        return n, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_a_recording_takes_the_same_memory_at_any_length(tmp_path, run_csv):
    """10x the samples, not 10x the memory (the whole replay's figure is in `make bench`)."""
    lines = run_csv.read_text().splitlines()
    long = tmp_path / "long.csv"
    with long.open("w") as f:
        f.write(lines[0] + "\n")
        for k in range(10):
            for line in lines[1:]:
                v = line.split(",")
                f.write("%.4f,%s\n" % (float(v[0]) + k * 40.0, ",".join(v[1:])))
    n1, short_peak = _peak_bytes(run_csv)
    n10, long_peak = _peak_bytes(long)
    assert n10 == 10 * n1
    assert long_peak < 1.3 * short_peak, (short_peak, long_peak)


# ---- issue 14 item 10: the reader never raises anything but a UserError
_CELLS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                   st.integers(-10**30, 10**30).map(str),
                   st.text(max_size=6), st.sampled_from(["", " ", "1e999", "0x10", "\ufeff"]))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.one_of(st.just(HEADER), st.just(HEADER.upper()),
                        st.lists(st.sampled_from(["t", "ax", "ay", "az", "gx", "gy", "gz", "x",
                                                  "T", ""]), max_size=9).map(",".join)),
       body=st.lists(st.lists(_CELLS, max_size=9).map(",".join), max_size=40),
       noise=st.binary(max_size=40), newline=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
def test_fuzz_the_replay_csv_reader(tmp_path, header, body, noise, newline, encoding):
    f = tmp_path / "fuzz.csv"
    text = newline.join([header] + body) + newline
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    f.write_bytes(data + noise)
    try:
        rec = replay_input.load_imu_csv(f)
    except UserError as e:
        assert "\n" not in str(e) and str(e)
        return
    rows = sum(len(chunk) // 6 for chunk in rec.batches(32))
    assert rows == rec.n >= 2 and np.isfinite(rec.rate_hz)


# ---- item 7: the file before the board
def test_install_micropython_checks_the_file_before_looking_for_a_board(tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    err = _one_line_exit_2(capsys, ["install-micropython", "--firmware", "nothere.bin"])
    assert "cannot read nothere.bin" in err and "no board" not in err


# ---- item 9: conventions
def test_version_flag(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.startswith("leanclip 0.")


def test_short_port_and_baud_flags(capsys):
    args = cli.build_parser("logs").parse_args(["logs", "list", "-p", "/dev/x", "-b", "921600"])
    assert (args.port, args.baud) == ("/dev/x", 921600)
    args = cli.build_parser("live").parse_args(["live", "-p", "/dev/x"])
    assert args.port == "/dev/x"


@pytest.mark.parametrize("argv, says", [
    (["logs", "list", "--help"], "sessions on the board: size, start, duration, pulled?"),
    (["config", "show", "--help"], "every setting, * marks the ones changed"),
    (["plan-demo", "--help"], "(default: 12)"),
    (["logs", "pull", "--help"], "(default: 115200)"),
])
def test_help_describes_actions_and_shows_defaults(capsys, argv, says):
    with pytest.raises(SystemExit):
        cli.main(argv)
    assert says in " ".join(capsys.readouterr().out.split())


def test_config_set_without_arguments_lists_the_keys(capsys):
    assert cli.main(["config", "set"]) == 2
    out, err = capsys.readouterr()
    assert "fault_hold_s" in out and "log_raw" in out and err.count("\n") == 1


# ---- item 11: words
def test_counts_are_singular_or_plural():
    assert logs_cmd.count(1, "session") == "1 session"
    assert logs_cmd.count(0, "session") == "0 sessions"


def test_live_gives_walking_no_verdict():
    from firmware.core import config
    cfg = config.defaults()
    assert live.zone(2.0, cfg, "WALKING") == "walking"
    assert live.zone(2.0, cfg, "RUNNING") == "too upright"


def test_export_csv_has_no_float32_noise_and_no_json_cells(tmp_path, capsys):
    import logsample
    log = tmp_path / "s.lcl"
    logsample.drive(logsample.writer(str(log)), 16.0)
    assert cli.main(["export", str(log), "--csv"]) == 0
    events = (tmp_path / "s" / "events.csv").read_text()
    assert "{" not in events and "103.9" not in events
    stats = (tmp_path / "s" / "loop_stats.csv").read_text().splitlines()
    assert stats[0] == "t_s,rate_hz,jitter_max_ms,overruns,fifo_overflows,gc_pause_max_ms"
    assert stats[1].split(",")[1:] == ["103.9", "2.5", "0", "1", "4.25"]
    assert export.cell(float(np.float32(0.040775422))) == "0.040775422"



def test_semicolon_csv_is_read_and_a_decimal_comma_is_named(tmp_path, capsys, run_csv):
    """Excel where the decimal mark is a comma writes ';' between columns."""
    f = tmp_path / "imu.csv"
    f.write_text(run_csv.read_text().replace(",", ";"))
    assert cli.main(["replay", str(f), "--out", str(tmp_path / "o")]) == 0
    f.write_text(run_csv.read_text().replace(",", ";").replace(".", ","))
    err = _one_line_exit_2(capsys, ["replay", str(f), "--out", str(tmp_path / "o2")])
    assert "decimal comma" in err
