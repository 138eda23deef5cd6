"""Watch data beside the session: reading FIT/GPX/TCX, lining the two up, the merged page and
CSV, and refusing files that do not belong (one line, exit 2).

The watch files are written from simulated runs (tests/watchsim.py) whose truth is known: the
watch epoch of the clip's second 0.
"""
import csv
import re

import numpy as np
import pytest

import watchsim
from host_tools import activity, align, cli, logread, merge
from host_tools.errors import UserError

PAIRS = 12


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    """12 runs: the watch started 0-3 min before the clip; the clip's clock off by up to
    +-30 min, or never set (every third run)."""
    d = tmp_path_factory.mktemp("pairs")
    rng = np.random.default_rng(2026)
    runs = []
    for seed in range(1, PAIRS + 1):
        lead_s = float(rng.uniform(0, 180))
        offset_s = float(rng.uniform(-1800, 1800))
        run = watchsim.make_run(d, seed, lead_s, None if seed % 3 == 0 else offset_s,
                                run_min=5.0)
        run.fit = watchsim.write_fit(d / ("%d.fit" % seed), run)
        runs.append(run)
    return runs


def _one_line_exit_2(capsys, argv, *words):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    for w in words:
        assert w in err, err
    return err


def test_alignment_finds_the_offset_within_1_s_on_12_simulated_pairs(pairs):
    errors = []
    for run in pairs:
        s = logread.load(run.session)
        found = align.align(s, activity.load(run.fit), s.header["start_epoch_s"] or None)
        assert found.method == "cadence" and found.score >= align.MIN_SCORE["cadence"]
        errors.append(found.epoch0_s - run.epoch0_s)
    assert max(abs(e) for e in errors) <= 1.0, errors


def _speed_matches(pairs, tmp_path):
    """(run, gpx path, Alignment or None) for each pair's GPX without heart rate or cadence."""
    out = []
    for run in pairs:
        gpx = watchsim.write_gpx(tmp_path / ("%s.gpx" % run.session.stem), run, hr=False)
        s = logread.load(run.session)
        try:
            found = align.align(s, activity.load(gpx), s.header["start_epoch_s"] or None)
        except UserError:
            found = None
        out.append((run, gpx, found if found is not None and found.method == "speed" else None))
    return out


def test_without_watch_cadence_speed_lines_up_some_within_2_s_and_never_wrongly(pairs,
                                                                                 tmp_path):
    """GPX has no cadence: the clip's step rate against the watch's speed. Weaker evidence
    (bench/watch_align.py: about half the simulated 5 min runs are matched; the rest fall back
    to the clip's clock or are refused), and 0.5-1.5 s late-biased since speed changes over 3 s
    in the simulator and cadence over 1 s; so the bound is 2 s, not 1 s."""
    found = [(run, a) for run, _, a in _speed_matches(pairs, tmp_path) if a is not None]
    assert len(found) >= 3
    for run, a in found:
        assert abs(a.epoch0_s - run.epoch0_s) <= 2.0


def test_a_mismatched_pair_is_refused_in_one_line(pairs, capsys):
    unset = [r for r in pairs if logread.load(r.session).header["start_epoch_s"] == 0]
    a, b = unset[0], unset[1]
    _one_line_exit_2(capsys, ["report", str(a.session), "--activity", str(b.fit)],
                     "does not fit", "same run?")
    _one_line_exit_2(capsys, ["export", str(a.session), "--activity", str(b.fit),
                              "--out", str(a.session.parent / "m.csv")], "does not fit")


def test_a_file_from_another_day_is_refused(pairs, capsys):
    clocked = [r for r in pairs if logread.load(r.session).header["start_epoch_s"]]
    # each run is on its own day (watchsim: BASE + seed days), so the next run's file is not it
    _one_line_exit_2(capsys, ["report", str(clocked[0].session), "--activity",
                              str(clocked[1].fit)], "not the same run", "2026-11-")


def test_bad_activity_files_are_one_line_and_exit_2(pairs, tmp_path, capsys):
    run = pairs[0]
    data = run.fit.read_bytes()
    cut = tmp_path / "cut.fit"
    cut.write_bytes(data[:len(data) // 2])
    _one_line_exit_2(capsys, ["report", str(run.session), "--activity", str(cut)],
                     "cut short")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    (tmp_path / "bad.fit").write_bytes(bytes(flipped))
    _one_line_exit_2(capsys, ["report", str(run.session), "--activity",
                              str(tmp_path / "bad.fit")], "bad.fit")
    no_time = watchsim.write_gpx(tmp_path / "route.gpx", run, times=False)
    _one_line_exit_2(capsys, ["report", str(run.session), "--activity", str(no_time)],
                     "no times")
    (tmp_path / "empty.tcx").write_text("")
    _one_line_exit_2(capsys, ["report", str(run.session), "--activity",
                              str(tmp_path / "empty.tcx")], "empty")
    (tmp_path / "notes.txt").write_text("hello")
    _one_line_exit_2(capsys, ["report", str(run.session), "--activity",
                              str(tmp_path / "notes.txt")], ".fit, .gpx or .tcx")
    (tmp_path / "junk.gpx").write_text("<gpx><trk>")
    _one_line_exit_2(capsys, ["report", str(run.session), "--activity",
                              str(tmp_path / "junk.gpx")], "junk.gpx")


def test_a_real_world_shaped_fit_pauses_dropouts_laps_and_smart_recording(tmp_path):
    """The watch's timer paused while the runner stood 40 s (the clip kept logging), GPS lost
    for 60 s, records every 2 s (smart recording), a lap every 400 m."""
    run = watchsim.make_run(tmp_path, 41, 75.0, None, pause=(3, 40.0))
    segs = watchsim.script(41, 75.0, 5.0, (3, 40.0))
    stand = [i for i, seg in enumerate(segs) if seg["do"] == "stand" and seg["s"] == 40.0]
    t_stand = sum(seg["s"] for seg in segs[:stand[0]])  # watch seconds
    fit = watchsim.write_fit(tmp_path / "real.fit", run, every_s=2,
                             pauses=[(t_stand + 3, t_stand + 38)],
                             gps_dropouts=[(t_stand + 100, t_stand + 160)], lap_m=400)
    act = activity.load(fit)
    assert len(act.laps_epoch_s) >= 3
    paused = (act.t_epoch_s >= run.watch_start_s + t_stand + 6) & \
        (act.t_epoch_s < run.watch_start_s + t_stand + 35)
    assert paused.any() and np.all(np.isnan(act.ch["speed_mps"][paused]))
    lost = (act.t_epoch_s >= run.watch_start_s + t_stand + 112) & \
        (act.t_epoch_s < run.watch_start_s + t_stand + 150)
    assert np.all(np.isnan(act.ch["lat_deg"][lost])) and np.all(
        np.isfinite(act.ch["distance_m"][lost]))
    found = align.align(logread.load(run.session), act)
    assert abs(found.epoch0_s - run.epoch0_s) <= 1.0


def test_tcx_reads_like_the_fit(pairs, tmp_path):
    run = pairs[0]
    tcx = activity.load(watchsim.write_tcx(tmp_path / "run.tcx", run))
    fit = activity.load(run.fit)
    assert tcx.start_epoch_s == fit.start_epoch_s and len(tcx.t_epoch_s) == len(fit.t_epoch_s)
    # TCX stores whole strides per minute (2 steps), FIT adds the fraction
    for ch, tol in (("distance_m", 0.1), ("hr_bpm", 0), ("cadence_spm", 2.0), ("lat_deg", 1e-6)):
        assert np.nanmax(np.abs(tcx.ch[ch] - fit.ch[ch])) <= tol, ch


def test_merged_page_and_a_gpx_without_heart_rate(pairs, tmp_path, capsys):
    run = pairs[1]
    assert cli.main(["report", str(run.session), "--activity", str(run.fit), "--out",
                     str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "aligned by cadence" in out
    page = (tmp_path / (run.session.stem + ".html")).read_text()
    for words in ("Lean against pace", "Lean against grade", "Lean and heart rate",
                  "Route", "trend:", "Watch data from"):
        assert words in page, words
    run, gpx, _ = next(m for m in _speed_matches(pairs, tmp_path) if m[2] is not None)
    assert cli.main(["report", str(run.session), "--activity", str(gpx), "--out",
                     str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "step rate against the watch's speed" in out
    page = (tmp_path / (run.session.stem + ".html")).read_text()
    assert "%s has no heart rate" % gpx.name in page and "Route" in page
    assert cli.main(["report", str(run.session), "--activity", str(gpx), "--out",
                     str(tmp_path)]) == 0
    assert "replaced" in capsys.readouterr().out


def test_export_merged_csv_matches_the_truth(pairs, tmp_path, capsys):
    run = pairs[2]
    out = tmp_path / "merged.csv"
    assert cli.main(["export", str(run.session), "--activity", str(run.fit), "--out",
                     str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == [name for name, _ in merge.COLUMNS]
    s = logread.load(run.session)
    assert len(rows) == len(s.summary["t_s"])
    w = run.watch
    for r in rows[30::40]:
        # the watch's distance at the clip's second, from the truth's own clock
        t_watch = float(r["elapsed_s"]) + run.epoch0_s - run.watch_start_s
        want = np.interp(t_watch, w["t"], w["distance_m"])
        assert abs(float(r["distance_m"]) - want) < 8.0  # 1 s at <= 4.2 m/s, plus rounding
        i = int(r["elapsed_s"])
        if s.summary["lean_valid"][i]:
            assert float(r["lean_deg"]) == pytest.approx(s.summary["lean_deg"][i], abs=0.06)
    assert {r["alert"] for r in rows} >= {"", "upright"}
    assert cli.main(["export", str(run.session), "--activity", str(run.fit), "--out",
                     str(run.session)]) == 2
    assert "it is the input" in capsys.readouterr().err


def test_history_picks_up_watch_files_beside_the_sessions(pairs, tmp_path, capsys):
    """A folder as `logs pull` fills it, with the watch's files copied in: each session finds
    its own file (not another run's), a damaged one is skipped with a line."""
    folder = tmp_path / "sessions"
    folder.mkdir()
    for run in pairs[:3]:
        (folder / run.session.name).write_bytes(run.session.read_bytes())
        (folder / ("watch-%s" % run.fit.name)).write_bytes(run.fit.read_bytes())
    (folder / "broken.fit").write_bytes(pairs[3].fit.read_bytes()[:300])
    assert cli.main(["report", str(folder), "--out", str(tmp_path / "rep")]) == 0
    err = capsys.readouterr().err
    assert "skipped" in err and "broken.fit" in err
    page = (tmp_path / "rep" / "history.html").read_text()
    cells = {name: km for km, name in re.findall(
        r"<td>(\d+\.\d) km, \d+ bpm</td><td>([^<]+)</td>", page)}
    assert len(cells) == 3
    for run in pairs[:3]:
        km = cells[run.session.name]
        s = logread.load(run.session)
        t = np.arange(len(s.summary["t_s"])) + run.epoch0_s - run.watch_start_s
        want = np.interp(t[-1], run.watch["t"], run.watch["distance_m"]) - np.interp(
            t[0], run.watch["t"], run.watch["distance_m"])
        assert abs(float(km) - want / 1000.0) <= 0.06
    # sorted by the start time the watch gave them, clocks set or not
    names = re.findall(r"<td>(\d{5}\.lcl)</td>", page)
    assert names == [r.session.name for r in sorted(pairs[:3], key=lambda r: r.epoch0_s)]


def test_a_watch_writing_zero_cadence_is_matched_on_speed(pairs, tmp_path):
    """Some watches without a cadence source write the field as 0 throughout."""
    run = next(r for r, _, a in _speed_matches(pairs, tmp_path) if a is not None)
    saved = run.watch["strides_spm"]
    run.watch["strides_spm"] = np.zeros(len(saved))
    try:
        fit = watchsim.write_fit(tmp_path / "nocad.fit", run)
    finally:
        run.watch["strides_spm"] = saved
    act = activity.load(fit)
    assert not act.has("cadence_spm") and act.has("speed_mps")
    s = logread.load(run.session)
    found = align.align(s, act, s.header["start_epoch_s"] or None)
    assert found.method == "speed" and abs(found.epoch0_s - run.epoch0_s) <= 2.0


def test_a_point_stamped_decades_off_is_left_out_not_gridded(pairs, tmp_path):
    """A watch without time yet stamps 1989: one such point must not stretch the 1 s grid over
    decades (memory), nor move the run."""
    run = pairs[0]
    gpx = watchsim.write_gpx(tmp_path / "run.gpx", run)
    text = gpx.read_text()
    first = re.search(r"<time>([^<]+)</time>", text).group(1)
    gpx.write_text(text.replace(first, "1989-12-31T00:00:00Z", 1))
    act = activity.load(gpx)
    assert act.start_epoch_s == run.watch_start_s + 1 and act.duration_s < 3600
