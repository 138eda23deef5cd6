"""`leanclip report SESSION|FOLDER... [--activity RUN.fit] [--out DIR]`: what a runner and a
coach want to know about runs.

Per session: time running, cadence, the lean distribution, time in the good band (the band in
force on the device, from the config in the log's header, not today's settings), alerts by type
and what the reader had to skip; over several sessions, the trend: the learning curve of time
in the good band, each session marked with the feedback stage it ran (docs/coaching.md; test runs,
with no cues, are the ones that show what the runner has learnt). Printed, and written as a PNG
and a self-contained HTML page (figures embedded) that can be mailed as one file and read on a
phone: one session gives the session page, several (or a folder) the history page. With the
watch's recording of the same run (--activity, or watch files beside the sessions for the
history) the page adds pace, heart rate, grade and the route (host_tools/align.py lines them
up; docs/watch-data.md).
"""
import sys
import time
from pathlib import Path

import numpy as np

from firmware.core import config as fw_config
from firmware.core.gait import RUNNING, STATE_NAMES
from firmware.core.schedule import ALTERNATE, EVERY, STAGE_NAMES, TEST
from firmware.device.sessionlog import SUFFIX

from .. import activity, align, eventtext, logread, merge, outfiles, report_page, report_plots
from . import timeline
from ..errors import UserError
from ..eventtext import ALERT_ADVICE, fault_band

ALERTS = ("upright", "arch", "overlean")
PELVIS_ALERTS = ("hipbend", "lumbar_arch")  # only with a pelvis sensor (issue 17)
ALERT_NAMES = {"hipbend": "hip bend", "lumbar_arch": "lower back"}  # as a person reads them
# what each angle is, in words (signs: docs/log-format.md)
ANGLE_WORDS = (
    ("thorax lean", "the chest's lean from standing tall; + = forward"),
    ("pelvis tilt", "the pelvis's tilt from standing tall; + = its top tipped forward "
     "(anterior)"),
    ("lumbar angle", "thorax lean less pelvis tilt: the bend of the lower back; + = folded "
     "forward over the pelvis (a hip bend), - = arched back"),
    ("lumbar at toe-off", "the lumbar angle as the leg passes behind you, where an arch is "
     "strongest"))


def register(parser):
    parser.add_argument("sessions", nargs="+", metavar="SESSION",
                        help="session logs (.lcl), or a folder of them (as `logs pull` fills)")
    parser.add_argument("--activity", metavar="RUN.fit|gpx|tcx",
                        help="the same run as your watch or phone recorded it: pace, heart rate, "
                        "grade and route beside the lean (one SESSION)")
    parser.add_argument("--out", metavar="DIR",
                        help="where the pages go (default: report/ beside the first SESSION); "
                        "one session gives NAME.html + NAME.png, several history.html + .png")
    parser.set_defaults(func=run)


def band(s):
    """(low, high) of the good band in force when the session was logged."""
    cfg, _ = fw_config.validate(s.config())
    high = cfg["overlean_above_deg"] if cfg["overlean_alert"] else float("inf")
    return cfg["upright_below_deg"], high


def metrics(s):
    sm = s.summary
    t = sm["t_s"]
    state = sm["state"]
    running = state == RUNNING
    with_lean = running & sm["lean_valid"]
    lean = sm["lean_deg"][with_lean]
    lo, hi = band(s)
    good = (lean >= lo) & (lean < hi)
    pelvis = _pelvis_metrics(s)
    alerts = {a: sum(1 for e in s.events if e[1] == "buzz_" + a)
              for a in ALERTS + (PELVIS_ALERTS if pelvis else ())}
    drifts = [e for e in s.events if e[1] == "drift"]
    return {
        "name": s.name,
        "session": (s.header or {}).get("session", "?"),
        "header_lost": s.header is None,
        "start_epoch_s": (s.header or {}).get("start_epoch_s") or None,
        "recorded_s": len(t),
        "missing_s": int(t[-1] - t[0] + 1 - len(t)) if len(t) else 0,
        "state_s": {name: int(np.sum(state == i)) for i, name in enumerate(STATE_NAMES)},
        "cadence_spm": (float(np.mean(sm["cadence_spm"][with_lean])),
                        float(np.median(sm["cadence_spm"][with_lean]))) if len(lean) else None,
        "lean": {"mean": float(np.mean(lean)), "sd": float(np.std(lean)),
                 "p10": float(np.percentile(lean, 10)), "p50": float(np.median(lean)),
                 "p90": float(np.percentile(lean, 90))} if len(lean) else None,
        "band_deg": (lo, hi),
        "good_s": int(np.sum(good)),
        "good_share": float(np.mean(good)) if len(lean) else None,
        "alerts": alerts,
        "stage": fw_config.validate(s.config())[0]["coach_stage"],
        "good_cues": sum(1 for e in s.events if e[1] == "cue_good"),
        "summaries": sum(1 for e in s.events if e[1] == "cue_summary"),
        "drift": (drifts[0][0] / 1000.0, drifts[0][2]["drift_deg"])
        if drifts and "drift_deg" in drifts[0][2] else None,
        "recovery": s.recovery.describe(),
        "skipped": s.recovery.skipped,
        "pelvis": pelvis,
    }


def _pelvis_both(s):
    """Mask over s.pelvis: the seconds running with both a thorax lean and a pelvis row."""
    sm = s.summary
    at = np.searchsorted(sm["t_s"], s.pelvis["t_s"])
    ok = at < len(sm["t_s"])
    at = np.where(ok, at, 0)
    return (ok & (sm["t_s"][at] == s.pelvis["t_s"]) & sm["lean_valid"][at]
            & (sm["state"][at] == RUNNING)), at


def _spread(x):
    return {"p10": float(np.percentile(x, 10)), "p50": float(np.median(x)),
            "p90": float(np.percentile(x, 90))}


def _pelvis_metrics(s):
    """None for a one-sensor log; else the three angles' spread over the running seconds with
    both sensors (thorax from the summary of the same second), and the pelvis's losses."""
    if not s.has_pelvis():
        return None
    both, at = _pelvis_both(s)
    p = s.pelvis
    out = {"running_s": int(both.sum()),
           "lost": sum(1 for e in s.events if e[1] == "pelvis_lost"),
           "faults": sum(1 for e in s.events if e[1] == "pelvis_fault"), "angles": None}
    if both.any():
        out["angles"] = {"thorax lean": _spread(s.summary["lean_deg"][at[both]]),
                         "pelvis tilt": _spread(p["pelvis_deg"][both]),
                         "lumbar angle": _spread(p["lumbar_deg"][both]),
                         "lumbar at toe-off": _spread(p["lumbar_toeoff_deg"][both])}
    return out


def _mmss(s):
    return "%d:%02d" % (s // 60, s % 60)


def _when(m):
    if m["start_epoch_s"]:
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(m["start_epoch_s"]))
    return "start time unknown"


def describe(m):
    """The report of one session, as lines of text."""
    st = m["state_s"]
    lines = ["%s (session %s, %s)" % (m["name"], m["session"], _when(m)),
             "  recorded %s; running %s, walking %s, still %s%s"
             % (_mmss(m["recorded_s"]), _mmss(st["running"]), _mmss(st["walking"]),
                _mmss(st["still"]),
                "; %d s missing (paused or lost)" % m["missing_s"] if m["missing_s"] else "")]
    if m["lean"] is None:
        lines.append("  no lean while running (not calibrated, or no running found)")
    else:
        lo, hi = m["band_deg"]
        ln = m["lean"]
        lines += [
            "  cadence while running: mean %.0f, median %.0f steps/min" % m["cadence_spm"],
            "  lean while running: mean %.1f deg, sd %.1f; 10/50/90%%: %.1f / %.1f / %.1f deg"
            % (ln["mean"], ln["sd"], ln["p10"], ln["p50"], ln["p90"]),
            "  in the good band %.1f to %s deg: %.0f%% of running with lean (%s)"
            % (lo, "%.1f" % hi if hi != float("inf") else "any", 100 * m["good_share"],
               _mmss(m["good_s"]))]
    lines.append("  alerts: " + ", ".join("%s %d" % (a, m["alerts"][a]) for a in ALERTS))
    lines += _pelvis_lines(m)
    lines.append("  feedback stage: %s; correction cues %d, summary cues %d; %s"
                 % (STAGE_NAMES[m["stage"]], m["good_cues"], m["summaries"],
                    "drift %+.1f deg from the fresh lean at %s" % (m["drift"][1],
                                                                   _mmss(m["drift"][0]))
                    if m["drift"] else "no fatigue drift"))
    lines.append("  log: " + m["recovery"])
    if m["header_lost"]:
        lines.append("  the header block is lost: the band above is today's default, not the "
                     "one the device used")
    return lines


def _times(n):
    return "once" if n == 1 else "%d times" % n


def _pelvis_lines(m):
    """The pelvis sensor's part of the text report (nothing for a one-sensor log)."""
    pm = m["pelvis"]
    if pm is None:
        return []
    lines = ["  pelvis sensor: %s running with both sensors%s"
             % (_mmss(pm["running_s"]), "; lost %s (chest alone meanwhile)" % _times(pm["lost"])
                if pm["lost"] else "")]
    if pm["angles"]:
        lines.append("  median / 10% / 90%: " + "; ".join(
            "%s %.1f / %.1f / %.1f deg" % (k, v["p50"], v["p10"], v["p90"])
            for k, v in pm["angles"].items()))
    lines.append("  pelvis alerts: " + ", ".join(
        "%s %d" % (ALERT_NAMES[a], m["alerts"][a]) for a in PELVIS_ALERTS))
    return lines


def trend(ms):
    """The sessions in order, one line each: is the runner improving?"""
    lines = ["trend over %d sessions:" % len(ms),
             "  %-16s %-22s %-9s %8s %9s %8s %10s" % ("session", "start", "stage", "running",
                                                        "lean", "in band", "alerts/10m")]
    for m in ms:
        run_s = m["state_s"]["running"]
        per10 = sum(m["alerts"].values()) * 600.0 / run_s if run_s else 0.0
        lines.append("  %-16s %-22s %-9s %8s %9s %8s %10.1f" % (
            Path(m["name"]).name[:16], _when(m), STAGE_NAMES[m["stage"]], _mmss(run_s),
            "%.1f deg" % m["lean"]["p50"] if m["lean"] else "-",
            "%.0f%%" % (100 * m["good_share"]) if m["lean"] else "-", per10))
    return lines


MIN_RUNNING_S = 60  # less running with lean than this is too little to judge form by


def _local(epoch_s, fmt="%a %d %b %Y, %H:%M %Z"):
    return time.strftime(fmt, time.localtime(epoch_s))


def _lean_ylim(s, cfg):
    lean = s.summary["lean_deg"][s.summary["lean_valid"]]
    top = cfg["overlean_above_deg"] if cfg["overlean_alert"] else cfg["upright_below_deg"] + 12
    lo = min(cfg["arch_below_deg"] - 4, float(np.percentile(lean, 1)) - 2 if len(lean) else 0)
    hi = max(top + 4, float(np.percentile(lean, 99)) + 2 if len(lean) else 0)
    return lo, hi


def _headline(m, tab=None):
    lo, hi = m["band_deg"]
    band = "%g to %s deg" % (lo, "%g" % hi if hi != float("inf") else "any")
    alerts = sum(m["alerts"].values())
    kinds = ", ".join("%s %d" % (ALERT_NAMES.get(a, a), n) for a, n in m["alerts"].items() if n)
    items = [("%.0f%%" % (100 * m["good_share"]), "of running in the good band (%s)" % band),
             ("%.1f°" % m["lean"]["p50"], "median lean while running"),
             (str(alerts), "alerts" + (" (%s)" % kinds if kinds else "")),
             (_mmss(m["state_s"]["running"]), "min:s running"),
             ("%.0f" % m["cadence_spm"][1], "steps/min median cadence")]
    if tab is not None:
        run = tab["state"] == "running"
        dist = tab["distance_m"][np.isfinite(tab["distance_m"])]
        if len(dist):
            items.append(("%.2f km" % ((dist[-1] - dist[0]) / 1000.0), "distance in the session"))
        speed = tab["speed_mps"][run & np.isfinite(tab["speed_mps"])]
        if len(speed) and np.mean(speed) > 0:
            items.append((_mmss(1000.0 / np.mean(speed)) + " /km", "average pace running"))
        hr = tab["hr_bpm"][run & np.isfinite(tab["hr_bpm"])]
        if len(hr):
            items.append(("%.0f" % np.mean(hr), "average heart rate running"))
    return items


def _alert_section(m, cfg):
    kinds = ALERTS + (PELVIS_ALERTS if m["pelvis"] else ())
    rows = [(ALERT_NAMES.get(a, a), m["alerts"][a]) + ALERT_ADVICE[a] for a in kinds
            if m["alerts"][a]]
    if not rows and m["stage"] not in (EVERY, ALTERNATE):
        return report_page.para(
            "A %s session: the device stays silent when a fault happens, by design "
            "(docs/coaching.md), so there are no alerts to count; the time in the good band "
            "above is what shows how you ran." % ("test-run" if m["stage"] == TEST
                                                  else STAGE_NAMES[m["stage"]]))
    if not rows:
        return report_page.para("No alerts: the device never had to buzz for your form.")
    return (report_page.table(("alert", "times", "what it means", "what to try"), rows,
                              long_columns=(2, 3))
            + report_page.para("Bands as the device used them in this session: "
                               + "; ".join(fault_band(a, cfg) for a in kinds
                                           if a != "overlean" or cfg["overlean_alert"]) + "."))


def _pelvis_section(s, m, cfg, pngs):
    """Chest, pelvis and lower back side by side: the figure, the three angles' spread in one
    table with what each means, and what each pelvis alert means in plain words."""
    pm = m["pelvis"]
    parts = []
    if pm["angles"] is None:
        parts.append(report_page.note(
            "The pelvis sensor was fitted, but no second of running had both sensors trusted: "
            "nothing to compare (it is set from standing tall, like the chest)."))
    else:
        both, _ = _pelvis_both(s)
        pngs["pelvis"] = report_plots.pelvis_figure(s, cfg, both)
        parts.append(report_page.image(pngs["pelvis"], "thorax lean, pelvis tilt and lumbar "
                                       "angle over the session"))
        parts.append(report_page.table(
            ("angle", "median", "10%", "90%", "what it is"),
            [(k, "%.1f°" % pm["angles"][k]["p50"], "%.1f°" % pm["angles"][k]["p10"],
              "%.1f°" % pm["angles"][k]["p90"], words) for k, words in ANGLE_WORDS],
            long_columns=(4,)))
    parts.append(report_page.table(
        ("alert", "its buzz", "what it means", "what to try"),
        [("hip bend", "two long", ALERT_ADVICE["hipbend"][0] + " (" + fault_band("hipbend", cfg)
          + ")", ALERT_ADVICE["hipbend"][1]),
         ("lower back", "short-long-short", ALERT_ADVICE["lumbar_arch"][0] + " ("
          + fault_band("lumbar_arch", cfg) + ")", ALERT_ADVICE["lumbar_arch"][1])],
        long_columns=(2, 3)))
    text = ("A lean from the ankles tilts chest and pelvis together, so the lumbar angle stays "
            "near zero; a hip bend shows as the chest leaning while the pelvis does not.")
    if pm["lost"]:
        text += (" The pelvis sensor was lost %s in this session; the chest coached on "
                 "alone meanwhile." % _times(pm["lost"]))
    parts.append(report_page.para(text))
    return report_page.section("Chest and pelvis", *parts)


def _event_lines(s, cfg):
    """The timeline's lines (the same rules: states that last, plain words) for the log."""
    out = []
    for t_s, name, data in timeline.lasting_states([(t / 1000.0, n, d) for t, n, d in s.events]):
        said = eventtext.line(name, data, cfg)
        if said:
            out.append(("%s  %-15s %s" % (timeline.clock(t_s), said[0], said[1])).rstrip())
    return out


def session_page(s, m, act=None, alignment=None):
    """(html, {png name: bytes}, text lines) for one session, merged with an activity if
    given."""
    cfg, _ = fw_config.validate(s.config())
    lines = describe(m)
    start = alignment.epoch0_s if alignment else m["start_epoch_s"]
    title = "Run on %s" % _local(start, "%a %d %b %Y") if start else "Run (date unknown)"
    recorded = _mmss(m["recorded_s"])
    if start:
        sub = "started %s, %s recorded" % (_local(start, "%H:%M %Z"), recorded)
    else:
        sub = ("start time unknown (the clip's clock was not set: `leanclip logs pull` sets it, "
               "or give --activity to date it from your watch); %s recorded" % recorded)
    sub += "; session %s, %s" % (m["session"], Path(m["name"]).name)
    parts, pngs = [], {}
    run_s = m["state_s"]["running"]
    if m["recorded_s"] == 0:
        parts.append(report_page.note("This session is empty: nothing was recorded (the "
                                      "session was stopped at once, or the log lost its data)."))
        pngs["lean"] = report_plots.message("empty session: nothing was recorded")
        return report_page.page(title, sub, parts), pngs, lines
    short = int(np.sum(s.summary["lean_valid"] & (s.summary["state"] == RUNNING))) < MIN_RUNNING_S
    tab = None
    if alignment is not None:
        tab = merge.table(s, act, alignment)
    if short:
        why = ("the clip was never calibrated (stand still and tall at the start)"
               if not any(e[1] == "calibrated" for e in s.events) else
               "there was less than a minute of running")
        parts.append(report_page.note(
            "Too short to judge form: %s recorded, %s of it running; %s. Nothing below is a "
            "verdict." % (recorded, _mmss(run_s), why)))
    else:
        parts.append(report_page.cards(_headline(m, tab)))
    if m["header_lost"]:
        parts.append(report_page.note(
            "The log's header block is lost: the bands drawn are today's defaults, not "
            "necessarily the ones the device used in this session."))
    ylim = _lean_ylim(s, cfg)
    pngs["lean"] = report_plots.session_figure(s, cfg, ylim)
    if alignment is not None:
        parts.append(report_page.note("Watch data from %s: %s."
                                      % (Path(act.path).name, alignment.describe())))
    parts.append(report_page.section("Lean and cadence", report_page.image(pngs["lean"],
                                     "lean and cadence over the session")))
    if not short:
        parts.append(report_page.section("Alerts", _alert_section(m, cfg)))
    if m["pelvis"] is not None:
        parts.append(_pelvis_section(s, m, cfg, pngs))
    if tab is not None:
        parts += _merged_sections(tab, cfg, ylim, act, pngs)
    parts.append(report_page.details("What happened, second by second (%d events)"
                                     % len(s.events), _event_lines(s, cfg) or ["(no events)"]))
    parts.append(report_page.details("Numbers for a coach or a sports scientist", lines))
    return report_page.page(title, sub, parts), pngs, lines


def _merged_sections(tab, cfg, ylim, act, pngs):
    parts = []
    if np.isfinite(tab["pace_s_per_km"]).any():
        pngs["pace"], fit = report_plots.lean_vs_pace(tab, cfg, ylim)
        words = ("Each point is one minute of running. " + (
            "The trend: %+.1f deg of lean for each minute per km faster." % (-60 * fit[0])
            if fit else "Too few minutes at different paces for a trend."))
        parts.append(report_page.section("Lean against pace", report_page.image(
            pngs["pace"], "lean against pace"), report_page.para(words)))
    if np.isfinite(tab["grade_pct"]).any():
        pngs["grade"], _ = report_plots.lean_vs_grade(tab, cfg, ylim)
        parts.append(report_page.section("Lean against grade", report_page.image(
            pngs["grade"], "lean against grade")))
    if np.isfinite(tab["hr_bpm"]).any():
        pngs["hr"] = report_plots.lean_and_hr(tab, cfg, ylim)
        parts.append(report_page.section("Lean and heart rate", report_page.image(
            pngs["hr"], "lean and heart rate over time"), report_page.para(
            "Heart rate climbing at the same pace (drift) and lean changing late in a run are "
            "signs of fatigue.")))
    else:
        parts.append(report_page.para("%s has no heart rate." % Path(act.path).name))
    if np.isfinite(tab["lat_deg"]).any():
        pngs["route"] = report_plots.route(tab, cfg)
        parts.append(report_page.section("Route", report_page.image(
            pngs["route"], "route coloured by lean, alerts marked")))
    return parts


def _history_rows(sessions, ms, matches):
    rows = []
    coached = STAGE_NAMES[0]
    for s, m in zip(sessions, ms, strict=True):
        run_s = m["state_s"]["running"]
        test = m["stage"] == TEST
        if not test:
            coached = STAGE_NAMES[m["stage"]]
        act, al = matches.get(s.name, (None, None))
        start = al.epoch0_s if al else m["start_epoch_s"]
        row = {"name": Path(m["name"]).name, "start_epoch_s": start, "test_run": test,
               "stage_name": coached, "running_s": run_s,
               "in_band_pct": 100 * m["good_share"] if m["lean"] else None,
               "median_lean_deg": m["lean"]["p50"] if m["lean"] else None,
               # only stages that buzz at the moment of a fault count alerts; the summary
               # stage and test runs stay silent by design, so theirs would read as zero
               "alerts_per_h": sum(m["alerts"].values()) * 3600.0 / run_s
               if run_s >= MIN_RUNNING_S and m["stage"] in (EVERY, ALTERNATE) else None,
               "watch": ""}
        if al is not None:
            tab = merge.table(s, act, al)
            d = tab["distance_m"][np.isfinite(tab["distance_m"])]
            hr = tab["hr_bpm"][np.isfinite(tab["hr_bpm"]) & (tab["state"] == "running")]
            row["watch"] = "%.1f km%s" % ((d[-1] - d[0]) / 1000.0 if len(d) else 0,
                                          ", %.0f bpm" % np.mean(hr) if len(hr) else "")
        rows.append(row)
    return rows


def history_page(sessions, ms, matches):
    rows = _history_rows(sessions, ms, matches)
    dated = [r["start_epoch_s"] for r in rows if r["start_epoch_s"]]
    sub = "%d sessions%s" % (len(rows), ", %s to %s" % (_local(min(dated), "%d %b %Y"),
                                                        _local(max(dated), "%d %b %Y"))
                             if dated else "")
    total_run = sum(r["running_s"] for r in rows)
    shares = [r["in_band_pct"] for r in rows if r["in_band_pct"] is not None]
    items = [(str(len(rows)), "sessions"), ("%.1f h" % (total_run / 3600.0), "running")]
    if len(shares) >= 2:
        k = min(5, len(shares) // 2)
        items.append(("%.0f%% → %.0f%%" % (np.median(shares[:k]), np.median(shares[-k:])),
                      "in the good band, first %d vs last %d sessions" % (k, k)))
    tests = sum(r["test_run"] for r in rows)
    items.append((str(tests), "test runs (no cues): they show what you have learnt"))
    png = report_plots.history_figure(rows)

    def cell(v, fmt):
        return "-" if v is None else fmt % v

    table = report_page.table(
        ("date", "stage", "running", "in band", "median lean", "alerts/h", "watch", "file"),
        [(_local(r["start_epoch_s"], "%a %d %b %Y %H:%M") if r["start_epoch_s"] else "unknown",
          "TEST RUN" if r["test_run"] else r["stage_name"], _mmss(r["running_s"]),
          cell(r["in_band_pct"], "%.0f%%"), cell(r["median_lean_deg"], "%.1f°"),
          cell(r["alerts_per_h"], "%.0f"), r["watch"] or "-", r["name"]) for r in rows],
        ["test" if r["test_run"] else "" for r in rows])
    parts = [report_page.cards(items),
             report_page.section("Trends", report_page.image(png, "trends over sessions"),
                                 report_page.para(
                                     "Shaded: the training plan's feedback stages. Open "
                                     "diamonds: test runs, with no cues. Alerts are counted "
                                     "only in the stages that buzz when a fault happens "
                                     "(every, alternate); the others are silent by design.")),
             report_page.section("Every session", table)]
    return report_page.page("Your LeanClip history", sub, parts), {"history": png}


def _expand(args):
    """Session files from the arguments (a folder means its *.lcl) and the activity files in
    the folders named."""
    paths, acts = [], []
    for a in args:
        p = Path(a)
        if p.is_dir():
            found = sorted(p.glob("*" + SUFFIX))
            if not found:
                raise UserError("%s holds no session logs (*%s)" % (p, SUFFIX))
            paths += found
            acts += sorted(q for q in p.iterdir() if q.suffix.lower() in activity.READERS)
        else:
            paths.append(p)
    return paths, acts


def match_activities(sessions, act_paths):
    """{session name: (Activity, Alignment)} for the activity files that fit a session;
    unreadable or unmatched files are skipped and said."""
    acts = []
    for p in act_paths:
        try:
            acts.append(activity.load(p))
        except UserError as e:
            print("skipped: %s" % e, file=sys.stderr)
    out = {}
    for s in sessions:
        clock = (s.header or {}).get("start_epoch_s") or None
        for a in acts:
            try:
                out[s.name] = (a, align.align(s, a, clock))
            except UserError:
                continue
            acts.remove(a)  # one recording is one run: not offered to the next session
            break
    return out


def run(args):
    paths, act_paths = _expand(args.sessions)
    if getattr(args, "activity", None) and len(paths) != 1:
        raise UserError("--activity goes with one session; for a folder, put the watch files "
                        "beside the sessions")
    sessions = [logread.load(p) for p in paths]
    sessions.sort(key=lambda s: ((s.header or {}).get("start_epoch_s") or 0,
                                 (s.header or {}).get("session") or 0))
    ms = [metrics(s) for s in sessions]
    out = Path(args.out) if args.out else paths[0].parent / "report"
    if len(sessions) == 1:
        s, m = sessions[0], ms[0]
        act = alignment = None
        if getattr(args, "activity", None):
            act = activity.load(args.activity)
            alignment = align.align(s, act, m["start_epoch_s"])
        stem = Path(s.name).stem
        page, pngs, lines = session_page(s, m, act, alignment)
        print("\n".join(lines))
        if alignment is not None:
            print("  watch: " + alignment.describe())
        files = {stem + ".html": page.encode()}
        files[stem + ".png"] = pngs["lean"]
    else:
        matches = match_activities(sessions, act_paths)
        # by the best start time known: the watch's (GPS) when matched, else the clip's clock
        order = sorted(range(len(sessions)), key=lambda i: (
            matches[sessions[i].name][1].epoch0_s if sessions[i].name in matches
            else ms[i]["start_epoch_s"] or 0, ms[i]["name"]))
        sessions, ms = [sessions[i] for i in order], [ms[i] for i in order]
        for m in ms:
            print("\n".join(describe(m)))
        print("\n".join(trend(ms)))
        page, pngs = history_page(sessions, ms, matches)
        files = {"history.html": page.encode(), "history.png": pngs["history"]}
    outfiles.refuse_inputs([out / name for name in files],
                           list(paths) + list(act_paths) + [getattr(args, "activity", None)])
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            target = out / name
            replaced = target.exists()
            outfiles.write_bytes(target, data)
            print("%s %s" % ("replaced" if replaced else "wrote", target))
    except OSError as e:
        raise UserError("cannot write to %s: %s" % (out, e.strerror or e)) from None
    return 0
