"""When did the clip's session start on the watch's clock? Found from the running itself.

The clip's clock cannot be trusted alone: a board that lost power starts counting from its epoch
(the log then says "start time unknown"), and even a set clock drifts. The watch's clock is GPS
time. So the two recordings are lined up by their step rate: the clip logs cadence every second,
the watch records cadence (or, without a foot pod or wrist cadence, speed, which rises and falls
with step rate). The lag with the highest Pearson correlation between the two series is the
offset; stops and changes of pace are what pin it down, to a fraction of a second by fitting a
parabola through the peak.

The clip's clock, when set, is the check: the answer says whether the two agree. When the step
rates do not match (score below MIN_SCORE) the clock is used if known; with neither,
the pair is refused: most likely the wrong file. docs/watch-data.md has the reasoning and what
was measured.
"""
import time

import numpy as np

from firmware.core.gait import RUNNING, WALKING

from .errors import UserError

# Accept a match whose score (`correlate`) reaches this. Measured on simulated pairs
# (bench/watch_align.py, docs/watch-data.md) against every other run's file.
MIN_SCORE = {"cadence": 0.75, "speed": 0.75}
# Seconds either side of the best-scoring lag searched for the sharpest match.
REFINE_S = 5
# Below this an accepted match is called weak in what the user reads: wrong files reached 0.74
# in the bench, so a score near the bar deserves a second look.
SURE_SCORE = 0.85
# Slower than this on the watch is standing about, not moving (for matching on speed).
MOVING_MPS = 0.5
# Seconds of both moving and overlapping needed before a correlation means anything.
MIN_OVERLAP_S = 120
# Only lags that overlap at least this share of the best possible overlap compete: a short
# overlap at the recordings' ends can correlate well by chance (a single stop matches anything).
MIN_OVERLAP_SHARE = 0.6
# A summary record at second t averages [t, t + 1): its centre is half a second later than the
# instant a watch record stamped t describes.
CLIP_SECOND_CENTRE_S = 0.5
# With the clip's clock set, search this far around it (a clock set in the wrong time zone is
# hours out; the wrong day is refused as such).
CLOCK_SEARCH_S = 3 * 3600


class Alignment:
    """clip second t is watch epoch second t + epoch0_s. method: "cadence", "speed" or "clock".
    score: the match score at that offset (`correlate`; for the clock: the best score, not enough,
    or None); clock_diff_s: cadence answer minus
    the clip's clock (None when the clock is unknown or unused)."""

    def __init__(self, epoch0_s, method, score=None, clock_diff_s=None, overlap_s=0):
        self.epoch0_s = epoch0_s
        self.method = method
        self.score = score
        self.clock_diff_s = clock_diff_s
        self.overlap_s = overlap_s

    def describe(self):
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(round(self.epoch0_s)))
        if self.method == "clock":
            why = "the step rates did not match well enough%s" % (
                " (best score %.2f)" % self.score if self.score is not None else "")
            return "aligned by the clip's clock (session start %s): %s" % (when, why)
        line = ("aligned by %s: session start %s, match %.2f over %d s"
                % ("cadence" if self.method == "cadence" else "step rate against the watch's "
                   "speed", when, self.score, self.overlap_s))
        if self.score < SURE_SCORE:
            line += " (a weak match: check that the file is this run)"
        if self.clock_diff_s is None:
            return line + "; the clip's clock was not set"
        off = -self.clock_diff_s
        if abs(off) < 2:
            return line + "; the clip's clock agrees (%+.1f s)" % off
        return line + "; the clip's clock was %s %s" % (_duration(abs(off)),
                                                        "ahead" if off > 0 else "behind")


def clip_step_rate(session):
    """Per-second step rate from the clip (steps/min, 0 while still), NaN for missing seconds;
    index = session second."""
    sm = session.summary
    if not len(sm["t_s"]):
        return np.zeros(0)
    out = np.full(int(sm["t_s"][-1]) + 1, np.nan)
    moving = (sm["state"] == RUNNING) | (sm["state"] == WALKING)
    out[sm["t_s"]] = np.where(moving, sm["cadence_spm"], 0.0)
    return out


def _xcorr(a, b, n):
    """c[L] = sum_i a[i] * b[i + L] for every lag, negative lags at the end (FFT, length n)."""
    return np.fft.irfft(np.fft.rfft(b, n) * np.conj(np.fft.rfft(a, n)), n)


def _pearson(x, y):
    """(lags, r, overlap) of Pearson r between x[i] and y[i + lag] over the samples both have
    (NaN = missing), for every lag from -(len(x) - 1) to len(y) - 1 in order."""
    mx, my = np.isfinite(x), np.isfinite(y)
    if not mx.any() or not my.any():
        lags = np.arange(-(len(x) - 1), len(y))
        return lags, np.full(len(lags), np.nan), np.zeros(len(lags))
    # centre first: keeps the sums small so the FFT's rounding does not swamp the covariance
    x0 = np.where(mx, x - x[mx].mean(), 0.0)
    y0 = np.where(my, y - y[my].mean(), 0.0)
    n = 1 << int(np.ceil(np.log2(len(x) + len(y))))
    fx, fy = mx.astype(float), my.astype(float)
    cnt = np.rint(_xcorr(fx, fy, n))
    sx, sy = _xcorr(x0, fy, n), _xcorr(fx, y0, n)
    sxx, syy = _xcorr(x0 * x0, fy, n), _xcorr(fx, y0 * y0, n)
    sxy = _xcorr(x0, y0, n)
    idx = np.concatenate((n + np.arange(-(len(x) - 1), 0), np.arange(0, len(y))))
    cnt, sx, sy, sxx, syy, sxy = (a[idx] for a in (cnt, sx, sy, sxx, syy, sxy))
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (cnt * sxx - sx * sx) * (cnt * syy - sy * sy)
        r = (cnt * sxy - sx * sy) / np.sqrt(np.where(var > 0, var, np.nan))
    return np.arange(-(len(x) - 1), len(y)), r, cnt


def correlate(x, y, moving_y):
    """(lags, score, overlap, r) for every lag worth considering: at least MIN_OVERLAP_S
    shared seconds and MIN_OVERLAP_SHARE of the best overlap.

    The score is the mean of two views of the match. The whole series, stops included, with r
    discounted by the share of the clip's seconds covered: stops are the sharpest features, but
    another run's file can line up one or two of them by chance over part of the session. And
    the seconds both are moving, stops left out: changes of pace and step rate, which are
    the run's own fingerprint. moving_y: which of y's samples are moving."""
    lags, r, cnt = _pearson(x, y)
    _, r_moving, cnt_moving = _pearson(np.where(x > 0, x, np.nan), np.where(moving_y, y, np.nan))
    clip_s = float(np.sum(np.isfinite(x)))
    covered = r * np.minimum(1.0, cnt / clip_s)
    r_moving = np.where(cnt_moving >= MIN_OVERLAP_S / 2, r_moving, 0.0)
    sc = (covered + np.nan_to_num(r_moving)) / 2
    ok = (cnt >= max(MIN_OVERLAP_S, MIN_OVERLAP_SHARE * cnt.max(initial=0))) & np.isfinite(r)
    return lags[ok], sc[ok], cnt[ok], r[ok]


def _peak(lags, score):
    """(sub-second lag, index) of the best lag, refined by a parabola through it and its
    neighbours."""
    i = int(np.argmax(score))
    if 0 < i < len(score) - 1 and lags[i + 1] - lags[i - 1] == 2:
        a, b, c = score[i - 1], score[i], score[i + 1]
        den = a - 2 * b + c
        if den < 0:
            return lags[i] + 0.5 * (a - c) / den, i
    return float(lags[i]), i


def align(session, act, clock_epoch_s=None):
    """The Alignment of a session with an Activity, or a UserError saying why they do not
    belong together."""
    x = clip_step_rate(session)
    if np.sum(np.isfinite(x)) < MIN_OVERLAP_S:
        raise UserError("%s is too short (%d s) to line up with %s: at least %d s are needed"
                        % (session.name, np.sum(np.isfinite(x)), act.path, MIN_OVERLAP_S))
    if act.has("cadence_spm"):
        y, method = act.ch["cadence_spm"], "cadence"
        moving = y > 0
    elif act.has("speed_mps"):
        y, method = act.ch["speed_mps"], "speed"
        with np.errstate(invalid="ignore"):
            moving = y >= MOVING_MPS
    else:
        y, method = None, None
    start, end = act.start_epoch_s, int(act.t_epoch_s[-1])
    if clock_epoch_s and (clock_epoch_s + len(x) < start - CLOCK_SEARCH_S
                          or clock_epoch_s > end + CLOCK_SEARCH_S):
        raise UserError("%s was recorded %s, the session %s: not the same run"
                        % (act.path, _day(start), _day(clock_epoch_s)))
    best = None
    if y is not None:
        lags, sc, cnt, r = correlate(x, y, moving)
        if clock_epoch_s:
            near = np.abs(start + lags - clock_epoch_s) <= CLOCK_SEARCH_S
            lags, sc, cnt, r = lags[near], sc[near], cnt[near], r[near]
        if len(sc):
            i = int(np.argmax(sc))
            # the score finds the right neighbourhood; the offset itself comes from r over the
            # whole series, whose stops and starts are sharper than the pace changes
            near = np.abs(lags - lags[i]) <= REFINE_S
            lag, j = _peak(lags[near], r[near])
            best = (lag, float(sc[i]), int(cnt[near][j]))
    if best is not None and best[1] >= MIN_SCORE[method]:
        epoch0 = start + best[0] + CLIP_SECOND_CENTRE_S
        diff = epoch0 - clock_epoch_s if clock_epoch_s else None
        return Alignment(epoch0, method, best[1], diff, best[2])
    r_text = ("the step rates do not match (best score %.2f, needs %.2f)"
              % (best[1], MIN_SCORE[method]) if best is not None else
              "%s has neither cadence nor speed to match the step rate" % act.path)
    overlap_s = (min(end, clock_epoch_s + len(x)) - max(start, clock_epoch_s)
                 if clock_epoch_s else 0)
    if overlap_s >= len(x) / 2:
        return Alignment(float(clock_epoch_s), "clock", best[1] if best else None)
    if clock_epoch_s:
        raise UserError("%s does not fit %s: %s, and by the clip's clock the watch recorded "
                        "only %d s of the session" % (act.path, session.name, r_text,
                                                      max(0, overlap_s)))
    raise UserError("%s does not fit %s: %s and the clip's clock was not set; is it the same "
                    "run?" % (act.path, session.name, r_text))


def _duration(s):
    if s < 120:
        return "%.0f s" % s
    if s < 7200:
        return "%d min %02d s" % (s // 60, s % 60)
    return "%.1f h" % (s / 3600.0)


def _day(epoch_s):
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch_s))
