"""`leanclip report SESSION... [--out DIR]`: what a runner and a coach want to know about runs.

Per session: time running, cadence, the lean distribution, time in the good band (the band in
force on the device, from the config in the log's header, not today's settings), alerts by type
and what the reader had to skip; over several sessions, the trend: the learning curve of time
in the good band, each session marked with the feedback stage it ran (docs/coaching.md; test runs,
with no cues, are the ones that show what the runner has learnt). Printed, and written as a PNG
and a self-contained HTML page (the PNG embedded) that can be mailed as one file.
"""
import base64
import html
import io
import time
from pathlib import Path

import numpy as np

from firmware.core import config as fw_config
from firmware.core.gait import RUNNING, STATE_NAMES
from firmware.core.schedule import STAGE_NAMES, TEST

from . import logread, outfiles
from .errors import UserError

ALERTS = ("upright", "arch", "overlean")


def register(parser):
    parser.add_argument("sessions", nargs="+", metavar="SESSION", help="session logs (.lcl)")
    parser.add_argument("--out", metavar="DIR",
                        help="where report.png and report.html go (default: next to the first "
                        "SESSION, in report/)")
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
    alerts = {a: sum(1 for e in s.events if e[1] == "buzz_" + a) for a in ALERTS}
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
    }


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


def plot(sessions, ms):
    """PNG bytes: the last session's lean over time against its band, the lean distributions,
    and (for several sessions) the trend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = 3 if len(ms) > 1 else 2
    fig, axes = plt.subplots(rows, 1, figsize=(10, 3.2 * rows))
    s, m = sessions[-1], ms[-1]
    lo, hi = m["band_deg"]
    ax = axes[0]
    sm = s.summary
    ok = sm["lean_valid"]
    run = ok & (sm["state"] == RUNNING)
    ax.axhspan(lo, hi if hi != float("inf") else lo + 30, color="tab:green", alpha=0.12,
               label="good band")
    ax.plot(sm["t_s"][ok] / 60.0, sm["lean_deg"][ok], ".", ms=2, color="0.6", label="not running")
    ax.plot(sm["t_s"][run] / 60.0, sm["lean_deg"][run], ".", ms=2, color="tab:blue",
            label="running")
    for a, colour in zip(ALERTS, ("tab:orange", "tab:red", "tab:purple")):
        t = [e[0] / 60000.0 for e in s.events if e[1] == "buzz_" + a]
        if t:
            ax.plot(t, [lo] * len(t), "v", color=colour, label="buzz " + a)
    ax.set_xlabel("minutes")
    ax.set_ylabel("lean (deg)")
    ax.set_title("%s: lean per second" % m["name"])
    ax.legend(loc="upper right", fontsize=7)
    ax = axes[1]
    for s_i, m_i in zip(sessions, ms):
        lean = s_i.summary["lean_deg"][s_i.summary["lean_valid"]
                                       & (s_i.summary["state"] == RUNNING)]
        if len(lean):
            ax.hist(lean, bins=np.arange(np.floor(lean.min()), np.ceil(lean.max()) + 1, 0.5),
                    histtype="step", label=m_i["name"])
    ax.axvspan(lo, hi if hi != float("inf") else lo + 30, color="tab:green", alpha=0.12)
    ax.set_xlabel("lean while running (deg)")
    ax.set_ylabel("seconds")
    if any(m_i["lean"] for m_i in ms):
        ax.legend(fontsize=7)
    if rows == 3:
        ax = axes[2]
        x = np.arange(len(ms))
        share = np.array([100 * (m_i["good_share"] or 0) for m_i in ms])
        test = np.array([m_i["stage"] == TEST for m_i in ms])
        ax.plot(x, share, "-", color="tab:blue", alpha=0.5)
        ax.plot(x[~test], share[~test], "o", color="tab:blue", label="coached session")
        ax.plot(x[test], share[test], "D", mfc="none", mec="tab:red", ms=8,
                label="test run (no cues)")
        ax.set_xticks(x, ["%s\n%s" % (Path(m_i["name"]).name, STAGE_NAMES[m_i["stage"]])
                          for m_i in ms], fontsize=7, rotation=20)
        ax.set_ylabel("% of running in band")
        ax.set_ylim(0, 100)
        ax.legend(loc="upper left", fontsize=7)
        ax2 = ax.twinx()
        ax2.plot(x, [m_i["lean"]["p50"] if m_i["lean"] else np.nan for m_i in ms], "s--",
                 color="tab:orange")
        ax2.set_ylabel("median lean (deg)", color="tab:orange")
        ax.set_title("learning curve: time in the good band per session, and its feedback stage")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def to_html(text_blocks, png):
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>LeanClip report</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "pre{background:#f6f6f6;padding:1em}</style></head><body>",
             "<h1>LeanClip report</h1>",
             "<img alt='lean plots' style='max-width:100%%' src='data:image/png;base64,%s'>"
             % base64.b64encode(png).decode()]
    for title, lines in text_blocks:
        parts.append("<h2>%s</h2><pre>%s</pre>" % (html.escape(title),
                                                  html.escape("\n".join(lines))))
    parts.append("</body></html>")
    return "\n".join(parts)


def run(args):
    sessions = [logread.load(p) for p in args.sessions]
    sessions.sort(key=lambda s: ((s.header or {}).get("start_epoch_s") or 0,
                                 (s.header or {}).get("session") or 0))
    ms = [metrics(s) for s in sessions]
    blocks = [(m["name"], describe(m)) for m in ms]
    if len(ms) > 1:
        blocks.append(("trend", trend(ms)))
    for _, lines in blocks:
        print("\n".join(lines))
    out = Path(args.out) if args.out else Path(args.sessions[0]).parent / "report"
    outfiles.refuse_inputs([out / "report.png", out / "report.html"], args.sessions)
    png = plot(sessions, ms)
    try:
        out.mkdir(parents=True, exist_ok=True)
        outfiles.write_bytes(out / "report.png", png)
        outfiles.write_text(out / "report.html", to_html(blocks, png))
    except OSError as e:
        raise UserError("cannot write to %s: %s" % (out, e.strerror or e)) from None
    print("wrote %s and %s" % (out / "report.png", out / "report.html"))
    return 0
