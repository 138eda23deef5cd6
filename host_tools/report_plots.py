"""The report's figures, each a PNG (bytes) 640 px wide with 11 pt text: still readable when a
phone held upright shrinks it to ~360 px.

Every figure draws the lean bands the way the device applies them (from the session's own
config): arch below `arch_below_deg`, upright up to `upright_below_deg`, the good band up to
`overlean_above_deg`, over-lean above it (only when `overlean_alert` is on; otherwise the good
band has no top). Colours are the timeline's, one per alert kind.
"""
import io

import numpy as np

from firmware.core.gait import RUNNING

BAND_COLOURS = {"arch": "tab:red", "upright": "tab:orange", "good": "tab:green",
                "overlean": "tab:purple"}
WIDTH_IN = 6.4
DPI = 100


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 11, "legend.fontsize": 9})
    return plt


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    _plt().close(fig)
    return buf.getvalue()


def draw_bands(ax, cfg, horizontal=True, labels=True):
    """The lean zones as shaded spans (horizontal: lean on the y axis)."""
    top = cfg["overlean_above_deg"] if cfg["overlean_alert"] else None
    lo_all = min(-15.0, cfg["arch_below_deg"] - 10)
    hi_all = max(35.0, (top or cfg["upright_below_deg"]) + 10)
    zones = [("arch", lo_all, cfg["arch_below_deg"]),
             ("upright", cfg["arch_below_deg"], cfg["upright_below_deg"]),
             ("good", cfg["upright_below_deg"], top if top is not None else hi_all)]
    if top is not None:
        zones.append(("overlean", top, hi_all))
    span = ax.axhspan if horizontal else ax.axvspan
    for name, lo, hi in zones:
        span(lo, hi, color=BAND_COLOURS[name], alpha=0.18 if name == "good" else 0.10, lw=0,
             label=("%s band" % name if name == "good" else name) if labels else None)


def message(text, height_in=1.6):
    """A figure that says in words why there is nothing to draw (no blank axes)."""
    plt = _plt()
    fig = plt.figure(figsize=(WIDTH_IN, height_in))
    fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=13, wrap=True)
    return _png(fig)


def session_figure(s, cfg, lean_ylim):
    """Lean over the session against the bands, buzzes marked; cadence below, same time axis."""
    plt = _plt()
    sm = s.summary
    t_min = sm["t_s"] / 60.0
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(WIDTH_IN, 6.2), sharex=True,
                                  gridspec_kw={"height_ratios": [3, 1.3]})
    draw_bands(ax, cfg)
    ok = sm["lean_valid"]
    run = ok & (sm["state"] == RUNNING)
    ax.plot(t_min[ok & ~run], sm["lean_deg"][ok & ~run], ".", ms=3, color="0.65",
            label="walking or still")
    ax.plot(t_min[run], sm["lean_deg"][run], ".", ms=3, color="tab:blue", label="running")
    for kind in ("upright", "arch", "overlean"):
        hit = sm["buzz_" + kind]
        if hit.any():
            ax.plot(t_min[hit], sm["lean_deg"][hit], "v", ms=9, color=BAND_COLOURS[kind],
                    mec="black", mew=0.5, label="buzz: %s" % kind)
    ax.set_ylim(*lean_ylim)
    ax.set_ylabel("trunk lean (deg forward)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9, ncol=4, framealpha=0.9)
    ax.set_title("Lean each second (stride-averaged)", fontsize=11, loc="left")
    cad = np.where(ok & (sm["state"] != 0) & (sm["cadence_spm"] > 0), sm["cadence_spm"], np.nan)
    ax2.plot(t_min, cad, "-", color="tab:gray", lw=1)
    ax2.set_ylabel("cadence\n(steps/min)")
    ax2.set_xlabel("minutes into the session")
    ax2.grid(alpha=0.3)
    finite = cad[np.isfinite(cad)]
    if len(finite):
        ax2.set_ylim(max(0, np.percentile(finite, 2) - 10), np.percentile(finite, 98) + 10)
    fig.tight_layout()
    return _png(fig)


PELVIS_COLOURS = {"thorax": "tab:blue", "pelvis": "tab:brown", "lumbar": "tab:cyan",
                  "hipbend": "tab:olive", "lumbar_arch": "tab:pink"}


def pelvis_figure(s, cfg, both):
    """Thorax lean, pelvis tilt and lumbar angle over the session, one panel each on the same
    time axis, the lumbar panel with the hip-bend and lower-back lines the device used and
    its buzzes marked. both: the seconds (indexes into s.pelvis) that also have a thorax
    lean (the lean is taken from the summary of the same second)."""
    plt = _plt()
    p = s.pelvis
    t_min = p["t_s"] / 60.0
    sm = s.summary
    at = np.searchsorted(sm["t_s"], p["t_s"])
    fig, axes = plt.subplots(3, 1, figsize=(WIDTH_IN, 7.8), sharex=True)
    panels = (("thorax", "thorax lean\n(deg, + forward)", sm["lean_deg"][at[both]]),
              ("pelvis", "pelvis tilt\n(deg, + anterior)", p["pelvis_deg"][both]),
              ("lumbar", "lumbar angle\n(deg, + flexion)", p["lumbar_deg"][both]))
    for ax, (name, label, y) in zip(axes, panels, strict=True):
        ax.plot(t_min[both], y, ".", ms=3, color=PELVIS_COLOURS[name], label="stride mean")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.axhline(0, color="0.3", lw=0.8)
    ax = axes[2]
    ax.plot(t_min[both], p["lumbar_toeoff_deg"][both], ".", ms=2, color="0.6",
            label="at toe-off")
    ax.axhline(cfg["hipbend_above_deg"], color=PELVIS_COLOURS["hipbend"], ls="--", lw=1,
               label="hip bend from here (pelvis upright)")
    ax.axhline(cfg["lumbar_arch_below_deg"], color=PELVIS_COLOURS["lumbar_arch"], ls="--", lw=1,
               label="lower-back arch below")
    for kind, text in (("hipbend", "buzz: hip bend"), ("lumbar_arch", "buzz: lower back")):
        hit = p["buzz_" + kind]
        if hit.any():
            ax.plot(t_min[hit], p["lumbar_deg"][hit], "v", ms=9, color=PELVIS_COLOURS[kind],
                    mec="black", mew=0.5, label=text)
    ax.set_xlabel("minutes into the session")
    axes[0].set_title("Chest, pelvis and lower back each second (stride-averaged)", fontsize=11,
                      loc="left")
    fig.tight_layout()
    # below the axes, never over the points (a hip bend's are at the top of the panel)
    fig.subplots_adjust(bottom=0.2)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), fontsize=8, ncol=3)
    return _png(fig)


def per_minute(tab, x_name, y_name="lean_deg", running=True, min_s=30):
    """Minute means of (x, y) over running seconds with both present; minutes with fewer than
    min_s such seconds are dropped (a minute of mostly standing has no pace to speak of)."""
    minute = (tab["elapsed_s"] // 60).astype(int)
    ok = np.isfinite(tab[x_name]) & np.isfinite(tab[y_name])
    if running:
        ok &= tab["state"] == "running"
    xs, ys = [], []
    for m in np.unique(minute[ok]):
        sel = ok & (minute == m)
        if sel.sum() >= min_s:
            xs.append(np.mean(tab[x_name][sel]))
            ys.append(np.mean(tab[y_name][sel]))
    return np.array(xs), np.array(ys)


def trend(xs, ys):
    """(slope, intercept) of a straight-line fit, or None with fewer than 3 points or no
    spread in x."""
    if len(xs) < 3 or np.ptp(xs) == 0:
        return None
    slope, icept = np.polyfit(xs, ys, 1)
    return float(slope), float(icept)


def _mmss_ticks(ax):
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "%d:%02d" % (v // 60, v % 60)))


def _lean_against(tab, cfg, lean_ylim, x_name, look):
    """One point per minute of running, lean against x_name, with its least-squares line.
    look: height_in, colour, min_s, trend label (from the slope), x label, title, and a
    function that finishes the axes. Returns (png, (slope, intercept) or None)."""
    plt = _plt()
    xs, ys = per_minute(tab, x_name, min_s=look["min_s"])
    fig, ax = plt.subplots(figsize=(WIDTH_IN, look["height_in"]))
    draw_bands(ax, cfg, labels=False)
    ax.plot(xs, ys, "o", color=look["colour"], label="one minute of running")
    fit = trend(xs, ys)
    if fit:
        gx = np.linspace(xs.min(), xs.max(), 10)
        ax.plot(gx, fit[0] * gx + fit[1], "-", color="black", lw=1.5,
                label=look["trend"](fit[0]))
    look["finish"](ax)
    ax.set_xlabel(look["xlabel"])
    ax.set_ylabel("lean (deg)")
    ax.set_ylim(*lean_ylim)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="upper left")
    ax.set_title(look["title"], fontsize=11, loc="left")
    fig.tight_layout()
    return _png(fig), fit


def _pace_axis(ax):
    ax.invert_xaxis()  # faster to the right, as runners read pace charts
    _mmss_ticks(ax)


def lean_vs_pace(tab, cfg, lean_ylim):
    return _lean_against(tab, cfg, lean_ylim, "pace_s_per_km", {
        "height_in": 4.0, "colour": "tab:blue", "min_s": 30,
        "trend": lambda slope: "trend: %+.1f deg per min/km faster" % (-60 * slope),
        "xlabel": "pace (min:s per km), faster to the right", "title": "Lean against pace",
        "finish": _pace_axis})


def lean_vs_grade(tab, cfg, lean_ylim):
    return _lean_against(tab, cfg, lean_ylim, "grade_pct", {
        "height_in": 3.6, "colour": "tab:brown", "min_s": 20,
        "trend": lambda slope: "trend: %+.2f deg per %% of grade" % slope,
        "xlabel": "grade (%, uphill > 0)", "title": "Lean against the road's grade",
        "finish": lambda ax: ax.axvline(0, color="0.5", lw=0.8)})


def lean_and_hr(tab, cfg, lean_ylim):
    """Two panels on one time axis (not two y scales on one panel, which invents crossings)."""
    plt = _plt()
    t = tab["elapsed_s"] / 60.0
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(WIDTH_IN, 4.8), sharex=True)
    draw_bands(ax, cfg, labels=False)
    lean = np.where(tab["state"] == "running", tab["lean_deg"], np.nan)
    smooth = _rolling(lean, 30)
    ax.plot(t, lean, ".", ms=2, color="tab:blue", alpha=0.35)
    ax.plot(t, smooth, "-", color="tab:blue", lw=2, label="lean, 30 s mean")
    ax.set_ylim(*lean_ylim)
    ax.set_ylabel("lean (deg)")
    ax.legend(fontsize=9, loc="upper left")
    ax.grid(alpha=0.3)
    ax.set_title("Lean and heart rate over the run", fontsize=11, loc="left")
    ax2.plot(t, tab["hr_bpm"], "-", color="tab:red", lw=1.2)
    ax2.set_ylabel("heart rate\n(beats/min)")
    ax2.set_xlabel("minutes into the session")
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return _png(fig)


def _rolling(x, n):
    ok = np.isfinite(x)
    k = np.ones(n)
    num = np.convolve(np.where(ok, x, 0.0), k, "same")
    den = np.convolve(ok.astype(float), k, "same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den >= n / 3, num / den, np.nan)


def zone_masks(lean, cfg):
    """{zone: boolean mask} of which band each lean falls in, as the device judges it."""
    top = cfg["overlean_above_deg"] if cfg["overlean_alert"] else np.inf
    with np.errstate(invalid="ignore"):
        return {"arch": lean < cfg["arch_below_deg"],
                "upright": (lean >= cfg["arch_below_deg"]) & (lean < cfg["upright_below_deg"]),
                "good": (lean >= cfg["upright_below_deg"]) & (lean < top),
                "overlean": lean >= top}


def route(tab, cfg):
    """The GPS track (equirectangular, metres; no map tiles) coloured by lean, buzzes marked."""
    plt = _plt()
    lat, lon = tab["lat_deg"], tab["lon_deg"]
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat0 = np.nanmean(lat[ok])
    x = (lon - np.nanmean(lon[ok])) * 111320.0 * np.cos(np.radians(lat0))
    y = (lat - lat0) * 111320.0
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 6.0))
    ax.plot(x[ok], y[ok], "-", color="0.8", lw=4, zorder=1)
    lean_ok = ok & np.isfinite(tab["lean_deg"]) & (tab["state"] == "running")
    for name, inside in zone_masks(tab["lean_deg"], cfg).items():
        sel = lean_ok & inside
        if sel.any():
            # faults drawn over the good band: a second lap must not hide where it went wrong
            ax.plot(x[sel], y[sel], ".", ms=5, color=BAND_COLOURS[name],
                    zorder=2 if name == "good" else 2.5,
                    label="lean: %s" % ("good band" if name == "good" else name))
    for kind in ("upright", "arch", "overlean"):
        hit = ok & (tab["alert"] == kind)
        if hit.any():
            ax.plot(x[hit], y[hit], "X", ms=11, color=BAND_COLOURS[kind], mec="black",
                    label="buzz: %s" % kind, zorder=3)
    start = np.flatnonzero(ok)
    if len(start):
        ax.plot(x[start[0]], y[start[0]], "o", ms=10, mfc="white", mec="black", label="start",
                zorder=3)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("metres east")
    ax.set_ylabel("metres north")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="best")
    ax.set_title("Route, coloured by lean while running", fontsize=11, loc="left")
    fig.tight_layout()
    return _png(fig)


def history_figure(rows):
    """Trends over sessions: time in band, median lean, alerts per hour, one point per session
    by date (or by order when dates are unknown); test runs as open diamonds; the plan's
    stages as shaded spans."""
    plt = _plt()
    n = len(rows)
    dated = all(r["start_epoch_s"] for r in rows)
    if dated:
        import datetime as dt

        x = np.array([dt.datetime.fromtimestamp(r["start_epoch_s"], dt.timezone.utc)
                      for r in rows])
    else:
        x = np.arange(1, n + 1)
    fig, axes = plt.subplots(3, 1, figsize=(WIDTH_IN, 7.5), sharex=True)
    ms = 6 if n <= 30 else 3
    test = np.array([r["test_run"] for r in rows])
    panels = (("in_band_pct", "% of running\nin the good band", "tab:green"),
              ("median_lean_deg", "median lean\n(deg)", "tab:blue"),
              ("alerts_per_h", "alerts per hour\n(buzzing stages)", "tab:orange"))
    for ax, (key, label, colour) in zip(axes, panels, strict=True):
        y = np.array([np.nan if r[key] is None else r[key] for r in rows], dtype=float)
        ax.plot(x, y, "-", color=colour, alpha=0.35, lw=1)
        ax.plot(x[~test], y[~test], "o", ms=ms, color=colour, label="coached session")
        if test.any():
            ax.plot(x[test], y[test], "D", ms=ms + 2, mfc="white", mec="black",
                    label="test run (no cues)")
        if n >= 8:  # a rolling median says where the runner is, through day-to-day noise
            k = 5
            med = np.array([np.nanmedian(y[max(0, i - k + 1):i + 1]) if np.isfinite(
                y[max(0, i - k + 1):i + 1]).any() else np.nan for i in range(n)])
            ax.plot(x, med, "-", color="black", lw=1.5, label="median of the last 5")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        if key == "in_band_pct":
            ax.set_ylim(0, 100)
        elif key == "median_lean_deg":
            finite = y[np.isfinite(y)]
            if len(finite):  # at least 6 deg tall: noise of a few tenths must not zig-zag
                mid = (finite.min() + finite.max()) / 2
                half = max(3.0, (finite.max() - finite.min()) / 2 + 1)
                ax.set_ylim(mid - half, mid + half)
        else:
            ax.set_ylim(bottom=0)
    _stage_spans(axes, x, rows)
    axes[0].legend(fontsize=9, loc="lower right", ncol=3)
    axes[0].set_title("Your sessions over time", fontsize=11, loc="left")
    axes[-1].set_xlabel("date" if dated else "session (start dates unknown)")
    if dated:
        fig.autofmt_xdate()
    fig.tight_layout()
    return _png(fig)


def _share(x, left, right):
    """Width of [left, right] as a share of the whole x range (dates or numbers)."""
    whole = x[-1] - x[0]
    if not whole:
        return 1.0
    return (right - left) / whole


def _stage_spans(axes, x, rows):
    """Shade runs of sessions in the same feedback stage, named once on the top panel."""
    shades = ("0.94", "white")
    i = 0
    k = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1]["stage_name"] == rows[i]["stage_name"]:
            j += 1
        left = x[i] if i == 0 else x[i - 1] + (x[i] - x[i - 1]) / 2
        right = x[j] if j == len(rows) - 1 else x[j] + (x[j + 1] - x[j]) / 2
        for ax in axes:
            ax.axvspan(left, right, color=shades[k % 2], zorder=0, lw=0)
        if _share(x, left, right) >= 0.08:  # a label only where it fits
            axes[0].text(left, 97, " " + rows[i]["stage_name"], fontsize=9, va="top",
                         color="0.3")
        i, k = j + 1, k + 1
