"""The IMU chip: its digital low-pass and output rate, then its errors, range and resolution.

Errors are drawn once per run from the quality grade and stored, so a run states exactly which
sensor it simulated. The order of effects follows the chip: the sampled signal is filtered and
decimated, distorted by scale and axis misalignment, offset by bias, noised, clipped at the
range and quantised to the range's LSB.
"""
import numpy as np

from . import field as fieldmod

QUALITIES = ("ideal", "good", "typical", "poor")
BITS = 16
FILTER_CUTOFF_PER_RATE = 0.4   # low-pass cutoff as a fraction of the output rate
FILTER_HALF_SPAN = 8           # taps either side of centre, in output samples
WARMUP_TAU_S = 200.0           # gyro warm-up drift time constant

# noise rms, bias bound, scale bound, misalignment bound, full-scale range, gyro warm-up drift
# bounds (|drift| after warm-up) and gyro bias random walk (dps/sqrt(s)).
SPECS = {
    "good": {  # ICM-42688-like
        "accel_noise_g": 0.002, "gyro_noise_dps": 0.03, "accel_bias_g": 0.02,
        "gyro_bias_dps": 0.5, "scale": 0.005, "misalign": 0.003,
        "accel_range_g": 16.0, "gyro_range_dps": 2000.0,
        "gyro_warmup_dps": (0.0, 0.05), "gyro_walk_dps_per_rt_s": 0.0005},
    "typical": {  # MPU-6050-like
        "accel_noise_g": 0.005, "gyro_noise_dps": 0.1, "accel_bias_g": 0.05,
        "gyro_bias_dps": 3.0, "scale": 0.02, "misalign": 0.01,
        "accel_range_g": 8.0, "gyro_range_dps": 1000.0,
        "gyro_warmup_dps": (0.1, 0.3), "gyro_walk_dps_per_rt_s": 0.002},
    "poor": {
        "accel_noise_g": 0.01, "gyro_noise_dps": 0.2, "accel_bias_g": 0.08,
        "gyro_bias_dps": 5.0, "scale": 0.03, "misalign": 0.02,
        "accel_range_g": 4.0, "gyro_range_dps": 500.0,
        "gyro_warmup_dps": (0.4, 0.6), "gyro_walk_dps_per_rt_s": 0.003},
}


def decimation(rate_hz):
    """Internal samples per output sample: the internal grid runs at >= 1000 Hz and at least
    twice the output rate, always an integer multiple of it."""
    return max(2, int(np.ceil(1000.0 / rate_hz)))


def lowpass_taps(k):
    """Linear-phase (Hamming-windowed sinc) low-pass at FILTER_CUTOFF_PER_RATE x output rate.

    Centred, so samples keep the time of the instant they describe: a real chip adds a few ms
    of group delay, which stride-averaged lean never sees but which would blur truth alignment."""
    half = FILTER_HALF_SPAN * k
    j = np.arange(-half, half + 1)
    fc = FILTER_CUTOFF_PER_RATE / k  # cycles per internal sample
    taps = 2 * fc * np.sinc(2 * fc * j) * np.hamming(2 * half + 1)
    return taps / taps.sum()


def filter_decimate(x, k, first, n_out):
    """Filtered values of x (internal grid, rows = samples) at rows first, first + k, ..."""
    taps = lowpass_taps(k)
    half = (len(taps) - 1) // 2
    out = np.zeros((n_out,) + x.shape[1:])
    for j, tap in enumerate(taps):
        start = first - half + j
        out += tap * x[start:start + (n_out - 1) * k + 1:k]
    return out


def _matrix(rng, scale, misalign):
    m = rng.uniform(-misalign, misalign, (3, 3))
    np.fill_diagonal(m, 1.0 + rng.uniform(-scale, scale, 3))
    return m


def draw(quality, rng):
    """This run's sensor: the grade's limits ("spec") plus the errors drawn within them."""
    if quality == "ideal":
        return {"quality": "ideal"}
    spec = SPECS[quality]
    lo, hi = spec["gyro_warmup_dps"]
    return {
        "quality": quality,
        "spec": dict(spec, bits=BITS, warmup_tau_s=WARMUP_TAU_S),
        "accel_matrix": _matrix(rng, spec["scale"], spec["misalign"]).tolist(),
        "gyro_matrix": _matrix(rng, spec["scale"], spec["misalign"]).tolist(),
        "accel_bias_g": (spec["accel_bias_g"] * rng.uniform(-1, 1, 3)).tolist(),
        "gyro_bias_dps": (spec["gyro_bias_dps"] * rng.uniform(-1, 1, 3)).tolist(),
        "gyro_warmup_dps": (rng.choice([-1.0, 1.0], 3) * rng.uniform(lo, hi, 3)).tolist(),
        "accel_lsb_g": 2 * spec["accel_range_g"] / 2 ** BITS,
        "gyro_lsb_dps": 2 * spec["gyro_range_dps"] / 2 ** BITS,
    }


def quantise(x, full_scale, lsb):
    """Clip at the range, then round to the LSB as a 16-bit register would (-32768..32767)."""
    counts = np.round(np.clip(x, -full_scale, full_scale) / lsb)
    return np.clip(counts, -(2 ** (BITS - 1)), 2 ** (BITS - 1) - 1) * lsb


def measure(errors, accel_g, gyro_dps, t_s, rng, field=None):
    """What the chip reports for the filtered true specific force (g) and rate (dps). With field
    "warmup" the gyro adds the run's temperature drift and bias random walk (field.py), on
    any grade (on "ideal" nothing else is added)."""
    if field and "warmup" in field:
        gyro_dps = gyro_dps + fieldmod.gyro_drift_dps(field, t_s, rng)
    if errors["quality"] == "ideal":
        return accel_g, gyro_dps
    spec = errors["spec"]
    n = len(t_s)
    dt_s = t_s[1] - t_s[0] if n > 1 else 0.0
    accel = accel_g @ np.array(errors["accel_matrix"]).T + errors["accel_bias_g"]
    accel += spec["accel_noise_g"] * rng.standard_normal((n, 3))
    warmup = np.outer(1.0 - np.exp(-t_s / spec["warmup_tau_s"]), errors["gyro_warmup_dps"])
    walk = np.cumsum(rng.standard_normal((n, 3)), axis=0) * (
        spec["gyro_walk_dps_per_rt_s"] * np.sqrt(dt_s))
    gyro = gyro_dps @ np.array(errors["gyro_matrix"]).T + errors["gyro_bias_dps"] + warmup + walk
    gyro += spec["gyro_noise_dps"] * rng.standard_normal((n, 3))
    return (quantise(accel, spec["accel_range_g"], errors["accel_lsb_g"]),
            quantise(gyro, spec["gyro_range_dps"], errors["gyro_lsb_dps"]))
