"""`leanclip doctor`: is this board ready to coach? Each check prints one line (ok / FAIL /
skip) with what to do about a failure; the exit status is 1 if any check failed.

The hardware checks run ON the board through the flashed firmware's own code (board profile,
opening.open_haptic, drivers.imu.find_imu, hardware.Peripherals.battery_mv), so the doctor
tests what the app will use, not a second implementation of it.
"""
import ast

from firmware.device import boards

from ..device import Device, DeviceError, USB_IDS, add_port_args, find_port, mpy_abi
from ..errors import UserError
from .flash import mpy_cross_binary

FREE_KB_MIN = 64  # room for a few hours of summary logs
BUZZ_MS = 300

# Runs on the board: a dict of results. Each step is guarded so one missing part does not hide
# the others; messages are the firmware's own.
_PROBE = """
def _lc_probe():
    r = {}
    try:
        from firmware.device import boards, devconfig, hardware, opening
        from firmware.device.pins import hold_power
        from firmware.drivers.imu import find_imu
        import machine, time
        name = devconfig.board_name()
        profile = boards.profile(name)
    except Exception as e:
        r['firmware'] = repr(e)
        return r
    r['board'] = name
    hold_power(profile)
    bus = profile['i2c']
    i2c = machine.I2C(bus['id'], scl=machine.Pin(bus['scl']), sda=machine.Pin(bus['sda']),
                      freq=bus['freq'])
    try:
        imu = find_imu(i2c)
        r['imu'] = '%%s on I2C bus %%d' %% (imu.name, bus['id'])
    except OSError as e:
        r['imu_error'] = str(e)
    try:
        h = opening.open_haptic(profile, i2c)
        h.set(255)
        time.sleep_ms(%d)
        h.set(0)
        r['motor'] = (profile.get('motor') or {}).get('kind') or 'buzzer'
    except Exception as e:
        r['motor_error'] = repr(e)
    if 'imu' in r and profile.get('battery'):
        try:
            from firmware.device.app import IMU_RATE_HZ
            r['battery_mv'] = hardware.Peripherals(profile, IMU_RATE_HZ).battery_mv()
        except Exception as e:
            r['battery_error'] = repr(e)
    return r
print(repr(_lc_probe()))
""" % BUZZ_MS


def _usb_name(port):
    from serial.tools.list_ports import comports

    for p in comports():
        if p.device == port and (p.vid, p.pid) in USB_IDS:
            return USB_IDS[(p.vid, p.pid)]
    return None


def checks(device):
    """[(status, what, detail)] with status "ok", "FAIL" or "skip"."""
    out = []
    usb = _usb_name(device.port)
    out.append(("ok", "port", device.port + (" (%s)" % usb if usb else "")))
    info = device.info()
    version, sub, march = mpy_abi(info["mpy"])
    mp = "MicroPython %s on %s, .mpy v%d.%d%s" % (
        ".".join(str(v) for v in info["version"][:3]), info["machine"], version, sub,
        ", " + march if march else "")
    try:
        mpy_cross_binary(version, sub)
        out.append(("ok", "micropython", mp))
    except UserError as e:
        out.append(("FAIL", "micropython", "%s: %s" % (mp, e)))
    free_kb = info["free_kb"]
    out.append(("ok" if free_kb >= FREE_KB_MIN else "FAIL", "flash",
                "%d KB free of %d KB%s" % (free_kb, info["total_kb"], "" if free_kb >= FREE_KB_MIN
                                            else ": delete pulled sessions (leanclip logs rm)")))
    try:
        r = ast.literal_eval(device.exec(_PROBE, timeout_s=30).decode().strip())
    except DeviceError as e:
        r = {"firmware": str(e)}
    if "firmware" in r:
        out.append(("FAIL", "firmware", "not usable (%s): run `leanclip flash --board NAME`"
                    % r["firmware"]))
        for what in ("imu", "motor", "battery"):
            out.append(("skip", what, "needs the firmware"))
        return out
    out.append(("ok", "firmware", "board profile %s" % r["board"]))
    if "imu" in r:
        out.append(("ok", "imu", r["imu"]))
    else:
        out.append(("FAIL", "imu", r["imu_error"]))
    if "motor" in r:
        out.append(("ok", "motor", "%s buzzed for %d ms: did you feel it?"
                    % (r["motor"], BUZZ_MS)))
    else:
        out.append(("FAIL", "motor", r["motor_error"]))
    if not boards.profile(r["board"]).get("battery"):
        out.append(("skip", "battery", "this board cannot measure it"))
    elif "battery_mv" in r:
        out.append(("ok", "battery", "%.2f V" % (r["battery_mv"] / 1000)))
    else:
        out.append(("skip", "battery", r.get("battery_error", "needs the IMU to open the board")))
    return out


def register(parser):
    add_port_args(parser)
    parser.set_defaults(func=run)


def run(args):
    port = args.port or find_port()
    with Device(port, args.baud) as device:
        results = checks(device)
    for status, what, detail in results:
        print("%-4s %-12s %s" % (status, what, detail))
    return 1 if any(s == "FAIL" for s, _, _ in results) else 0
