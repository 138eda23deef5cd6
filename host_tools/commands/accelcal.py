"""`leanclip accelcal [--clear]`: the accelerometer's one-time six-face calibration.

Why: a poor accelerometer (MPU-6050 class: offset up to ~0.08 g, scale off by ~3 %) leans the
coached lean by its forward axis's scale error x the lean, which nothing a running clip sees can
tell apart from the lean itself (docs/bench.md, issue 12's ninth round). Resting still, each
axis reads scale x its share of gravity + offset; resting on each of the board's six faces in
turn gives every axis +1 g and -1 g, and so both numbers. The board reads its samples, the host
solves and writes /accelcal.json (firmware/device/devconfig.py), which the board applies to
every accelerometer sample from its next start (drivers/imubase.py). docs/device.md, "Six-face
calibration".
"""
import ast
import json

import numpy as np

from firmware.core import config as schema
from firmware.device.devconfig import _TRIM_MAX_MG, _TRIM_MAX_PERMILLE, TRIM_PATH

from ..device import Device, add_port_args
from ..errors import UserError

# (name, axis, sign): the face whose axis points up, so that axis reads +1 g (sign +1) or -1 g
FACES = (("+X", 0, 1), ("-X", 0, -1), ("+Y", 1, 1), ("-Y", 1, -1), ("+Z", 2, 1), ("-Z", 2, -1))
STILL_S = 2.0
ONE_G_TOLERANCE = 0.2  # |mean force| must be 1 g within this: the board resting, not held
STILL_G = schema.SCHEMA["still_g"][0]  # the firmware's own "still" (accelerometer spread)
STILL_DPS = schema.SCHEMA["still_dps"][0]  # ... and gyro spread

# Runs on the board with the flashed firmware's own code: the app's own bring-up
# (hardware.Peripherals: board profile, power hold, I2C, find_imu, configured at the app's rate
# and scales, as `leanclip doctor` does); the profile as boards.py has it carries no
# calibration, so the samples are raw from the chip. The accelerometer's mean (g) and spread
# (g rms) per axis over a still stretch, and the gyro's largest spread (dps rms).
_MEASURE = """
def _lc_still(seconds):
    from array import array
    import time
    from firmware.device import boards, devconfig, hardware
    from firmware.device.app import IMU_RATE_HZ
    imu = hardware.Peripherals(boards.profile(devconfig.board_name()), IMU_RATE_HZ).imu
    buf = array('h', bytes(12 * 64))
    s = [0.0] * 6
    q = [0.0] * 6
    n = 0
    time.sleep_ms(200)
    imu.read_into(buf)  # the filter's settling samples
    t0 = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t0) < seconds * 1000:
        time.sleep_ms(50)
        k = imu.read_into(buf)
        for i in range(6 * k):
            s[i %% 6] += buf[i]
            q[i %% 6] += buf[i] * buf[i]
        n += k
    if not n:
        return {'n': 0}
    scale = [imu.accel_lsb_per_g] * 3 + [imu.gyro_lsb_per_dps] * 3
    mean = [s[c] / n / scale[c] for c in range(6)]
    rms = [max(0.0, q[c] / n / scale[c] ** 2 - mean[c] ** 2) ** 0.5 for c in range(6)]
    return {'n': n, 'mean_g': mean[:3], 'spread_g': rms[:3], 'spread_dps': max(rms[3:])}
print(repr(_lc_still(%r)))
"""


def measure(device, seconds=STILL_S):
    """The board's still reading: {'n', 'mean_g', 'spread_g', 'spread_dps'}."""
    return ast.literal_eval(device.exec(_MEASURE % seconds, timeout_s=seconds + 20)
                            .decode().strip())


def check_face(face, reading):
    """Refuse (one line) a reading that is not the board resting still on `face`."""
    name, axis, sign = face
    if reading["n"] < 10:
        raise UserError("face %s: the IMU gave %d samples: is the firmware flashed and the "
                        "IMU wired (leanclip doctor)?" % (name, reading["n"]))
    mean = np.asarray(reading["mean_g"], float)
    spread = max(reading["spread_g"])
    if spread > STILL_G or reading["spread_dps"] > STILL_DPS:
        raise UserError("face %s: the board was not still (spread %.3f g, %.1f dps; still is "
                        "below %g g and %g dps): rest it on a table, hands off"
                        % (name, spread, reading["spread_dps"], STILL_G, STILL_DPS))
    size = float(np.linalg.norm(mean))
    if abs(size - 1) > ONE_G_TOLERANCE:
        raise UserError("face %s: the board read %.2f g, not ~1 g: rest it still on a table"
                        % (name, size))
    up = int(np.argmax(np.abs(mean)))
    if up != axis or np.sign(mean[up]) != sign:
        raise UserError("face %s: the board read %s%s up, not %s: rest it on face %s (its %s "
                        "axis pointing up)" % (name, "+" if mean[up] > 0 else "-", "XYZ"[up],
                                                name, name, name))


def six_face(means_g):
    """Offsets (g) and scales per axis from the six still means, in FACES' order: each axis
    reads scale x force + offset. Solved so that every face reads exactly 1 g once corrected
    (Newton's method from the plain answer, offset = (up + down) / 2, scale = (up - down) / 2),
    so a table a few degrees off level costs nothing. Refuses (one line) a result past what the
    board accepts (devconfig.accel_trim's limits)."""
    m = np.asarray(means_g, float)
    up, down = m[0::2].diagonal(), m[1::2].diagonal()
    x = np.concatenate([(up + down) / 2, (up - down) / 2])  # offsets, scales
    for _ in range(20):
        c = (m - x[:3]) / x[3:]  # the six readings corrected
        size = np.linalg.norm(c, axis=1)
        # d|c|/d offset_a = -c_a / (scale_a |c|); d|c|/d scale_a = -c_a^2 / (scale_a |c|)
        jac = np.hstack([-c / x[3:], -c * c / x[3:]]) / size[:, None]
        step = np.linalg.solve(jac, size - 1)
        x -= step
        if np.abs(step).max() < 1e-9:
            break
    offsets, scales = x[:3], x[3:]
    if (np.abs(offsets).max() > _TRIM_MAX_MG / 1000
            or np.abs(scales - 1).max() > _TRIM_MAX_PERMILLE / 1000):
        raise UserError("offsets %s g and scales %s are past what the board accepts (%d mg, "
                        "%d %%): a faulty accelerometer, or the faces were mixed up"
                        % (_fmt(offsets), _fmt(scales), _TRIM_MAX_MG, _TRIM_MAX_PERMILLE // 10))
    return [round(float(v), 5) for v in offsets], [round(float(v), 5) for v in scales]


def _fmt(values):
    return "[%s]" % ", ".join("%.4f" % v for v in values)


def register(parser):
    add_port_args(parser)
    parser.add_argument("--clear", action="store_true",
                        help="remove the board's calibration (its samples as the chip gives "
                        "them from its next start)")
    parser.set_defaults(func=run)


def run(args, ask=input, out=print):
    with Device(args.port, args.baud) as device:
        if args.clear:
            if device.read_small_file(TRIM_PATH) is None:
                raise UserError("the board has no calibration (%s) to clear" % TRIM_PATH)
            device.remove(TRIM_PATH)
            out("calibration removed: takes effect when the board restarts")
            return 0
        means = []
        for face in FACES:
            try:
                ask("Rest the board still on face %s (its %s axis pointing up), hands off, "
                    "then press Enter " % (face[0], face[0]))
            except EOFError:
                raise UserError("no answer on stdin: accelcal needs you at the keyboard, "
                                "turning the board between readings") from None
            reading = measure(device)
            check_face(face, reading)
            means.append(reading["mean_g"])
            out("  %s: %s g" % (face[0], _fmt(reading["mean_g"])))
        offsets, scales = six_face(means)
        device.write_file(TRIM_PATH, (json.dumps([offsets, scales]) + "\n").encode())
    out("offsets %s g, scales %s written to %s: takes effect when the board restarts"
        % (_fmt(offsets), _fmt(scales), TRIM_PATH))
    return 0
