"""Wiring tables and diagrams, generated from the firmware's board profiles.

The profile (firmware/device/boards.py) is what the device boots with, so the maker's wiring must
come from it, never from a hand-drawn copy that drifts. `make hardware` writes, per board,
hardware/generated/<board>.md (the table) and <board>.svg (the diagram, drawn with schemdraw's
own SVG backend so the output is plain, deterministic text); tests check both regenerate
identically and that each table lists exactly the profile's pins.

    .venv/bin/python -m hardware.wiring [OUTDIR]
"""
import sys
from pathlib import Path

from firmware.device.boards import BOARDS
from firmware.device.pinrules import pin_uses
from hardware import motor_driver, parts

OUT = Path(__file__).resolve().parent / "generated"
INTERNAL = "internal"

_IMU_NAMES = {"mpu6050": "MPU-6050", "mpu6886": "MPU6886", "icm42688p": "ICM-42688-P"}


def _label(profile, pin):
    return profile.get("labels", {}).get(pin, "GPIO%d" % pin)


def _internal(profile, pin):
    return _label(profile, pin) == INTERNAL


def _driver_values(name):
    """(description, resistor ohms) of this board's driver, from the motor driver calculation."""
    if BOARDS[name]["motor"]["driver"] == "nmos":
        rg = motor_driver.gate_resistor()[0]
        return "gate via %s, 100k gate pull-down" % motor_driver.ohm_text(rg), rg
    rb = motor_driver.base_resistor(parts.BUILDS[parts.build_of(name)]["motor"])[0]
    return "base via %s, 10k base pull-down" % motor_driver.ohm_text(rb), rb


def connections(name):
    """(function, gpio, board pin, connects to, note) per pin the profile uses (pin_uses order)."""
    profile = BOARDS[name]
    rows = []
    imu = _IMU_NAMES.get(profile["imu"]["model"], profile["imu"]["model"])
    for role, pin, _ in pin_uses(profile):
        label = _label(profile, pin)
        if role.startswith("i2c"):
            line = role.split()[1].upper()
            to = ("%s %s (on the board)" % (imu, line)) if _internal(profile, pin) else \
                "%s breakout %s" % (imu, line)
            note = "I2C(%d) %d kHz, address 0x%02X" % (profile["i2c"]["id"],
                                                       profile["i2c"]["freq"] // 1000,
                                                       profile["imu"]["address"])
            if profile.get("pelvis"):
                to += " + pelvis pod %s (cable)" % line
                note += "; pelvis pod 0x%02X" % profile["pelvis"]["address"]
        elif role == "imu int":
            to = "%s breakout INT (INT1)" % imu
            note = "wake-on-motion: the IMU ends deep sleep through this pin"
        elif role == "motor":
            kind = profile["motor"]["driver"]
            if kind == "unit":
                to = "vibration motor unit SIG"
                note = "the unit has its own driver; 5 V and GND from the same port"
            else:
                to = "%s driver -> coin motor" % kind.upper()
                note = "%s; PWM %d Hz" % (_driver_values(name)[0], profile["motor"]["freq_hz"])
        elif role == "button":
            b = profile["button"]
            to = "push button to GND" if b["active_low"] else "push button to 3V3"
            if _internal(profile, pin) or b["pull"] is None:
                note = "on the board, external pull resistor"
            else:
                note = "internal pull-%s" % b["pull"]
        elif role == "battery":
            to = "BAT+ divider midpoint"
            note = ("on the board" if _internal(profile, pin) else
                    "BAT+ - 1M - pin - 1M - GND, 100 nF pin to GND") + \
                ", Vbat = %.1f x Vpin" % profile["battery"]["divider"]
        elif role == "led":
            to = "status LED"
            note = "lit when %s" % ("low" if profile["led"]["active_low"] else "high")
        elif role == "buzzer":
            to, note = "passive buzzer", "PWM tone"
        else:  # power_hold
            to, note = "power latch", "drive high at boot or the board switches off"
        if _internal(profile, pin):
            label = "(on the board)"
        rows.append((role, pin, label, to, note))
    return rows


def power_rows(name):
    """Supply wiring that has no GPIO: external IMU and driver supplies."""
    profile = BOARDS[name]
    rows = []
    if not _internal(profile, profile["i2c"]["sda"]):
        rows.append(("imu power", "3V3 -> IMU VCC, GND -> IMU GND, IMU AD0 -> GND (0x68)"))
    motor = profile["motor"]
    if motor and motor.get("driver") in ("nmos", "npn"):
        build = parts.BUILDS[parts.build_of(name)]
        supply = "BAT+" if build["motor_supply_v"] == parts.LIPO_MAX_V else "3V3"
        rows.append(("motor power", "%s -> motor +, motor - -> transistor drain/collector, "
                                    "flyback diode across the motor (cathode to %s)"
                     % (supply, supply)))
    pod = profile.get("pelvis")
    if pod:
        pins = ", ".join("%d %s" % (i + 1, n) for i, n in enumerate(parts.POD_PINS))
        rows.append(("pelvis pod (optional)",
                     "4-wire cable %d-%d cm, JST-GH 4-pin at the chest: %s; the pod's %s "
                     "breakout AD0 -> its VCC (0x%02X); pull-ups and cable: README, pelvis pod"
                     % (parts.POD_CABLE["min_m"] * 100, parts.POD_CABLE["max_m"] * 100, pins,
                        _IMU_NAMES.get(pod["model"], pod["model"]), pod["address"])))
    if profile["battery"] and not _internal(profile, profile["battery"]["adc_pin"]):
        rows.append(("battery", "LiPo to the XIAO's BAT+/BAT- pads (the XIAO charges it over "
                                "USB-C); check polarity before soldering"))
    return rows


def table_markdown(name):
    profile = BOARDS[name]
    out = ["# Wiring: %s (`%s`)" % (profile["title"], name), "",
           "Generated by `make hardware` from firmware/device/boards.py - do not edit.", "",
           "| Function | GPIO | Board pin | Connects to | Notes |", "|---|---|---|---|---|"]
    for role, pin, label, to, note in connections(name):
        out.append("| %s | %d | %s | %s | %s |" % (role, pin, label, to, note))
    extra = power_rows(name)
    if extra:
        out += ["", "| Supply | Wiring |", "|---|---|"]
        out += ["| %s | %s |" % row for row in extra]
    out += ["", "Pins from: %s." % profile["sources"], "", "Confirm on a real board: %s" %
            profile["notes"], ""]
    return "\n".join(out)


def parse_table(text):
    """(function, gpio) pairs listed in a generated table (what the tests compare)."""
    pairs = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[1].isdigit():
            pairs.append((cells[0], int(cells[1])))
    return pairs


def diagram(name, fmt="svg"):
    """The board's wiring as a schematic image: "svg" (text, schemdraw's own backend, what is
    committed) or "png" (bytes, through matplotlib, for a quick look)."""
    import schemdraw
    import schemdraw.elements as elm

    schemdraw.use("svg" if fmt == "svg" else "matplotlib")
    profile = BOARDS[name]
    rows = connections(name)
    motor_row = [r for r in rows if r[0] == "motor" and profile["motor"]["driver"] != "unit"]
    rows = [r for r in rows if r not in motor_row] + motor_row  # the driver hangs off the bottom
    # right-side pins are laid out bottom to top
    pins = [elm.IcPin(name="GPIO%d" % r[1], side="right") for r in reversed(rows)]
    pins += [elm.IcPin(name="3V3", side="left"), elm.IcPin(name="GND", side="left")]
    with schemdraw.Drawing(show=False) as d:
        d.config(fontsize=11, unit=2)
        mcu = elm.Ic(pins=pins, pinspacing=3.2, edgepadW=1.5, edgepadH=0.8).label(
            "%s (%s)" % (profile["title"].split(" + ")[0], profile["chip"]), loc="top")
        for role, pin, label, to, _note in rows:
            start = getattr(mcu, "GPIO%d" % pin)
            elm.Line().right(1.5).at(start).label("%s %s" % (role, "" if label.startswith("(")
                                                             else label), loc="top", fontsize=9)
            if role == "motor" and profile["motor"]["driver"] in ("nmos", "npn"):
                _draw_driver(elm, name)
            elif role == "button":
                elm.Button().right()
                elm.Ground()
            elif role == "battery" and not _internal(profile, pin):
                elm.Dot()
                d.push()
                elm.Resistor().right().label("1M", loc="bottom")
                elm.Line().right(0.5).label("BAT+", loc="right")
                d.pop()
                elm.Resistor().down(2).label("1M\n‖100nF", loc="bottom")
                elm.Ground()
            else:
                elm.Line().right(1)
                elm.Dot(open=True).label(to, loc="right", fontsize=10)
        data = d.get_imagedata(fmt)
    return data.decode() if fmt == "svg" else data


def _draw_driver(elm, name):
    """Gate/base resistor, pull-down, transistor, motor and flyback diode, to the right of the
    other rows (it is the tallest part) and below them (it hangs off the bottom pin)."""
    r_ohm = _driver_values(name)[1]
    nmos = BOARDS[name]["motor"]["driver"] == "nmos"
    elm.Resistor().right().label(motor_driver.ohm_text(r_ohm), loc="top")
    node = elm.Dot()
    elm.Line().right(5)
    if nmos:
        q = elm.NFet().reverse().anchor("gate").label("AO3400A", loc="right", ofst=0.2)
        top, bottom = q.drain, q.source
    else:
        q = elm.BjtNpn().anchor("base").label("S8050", loc="right")
        top, bottom = q.collector, q.emitter
    elm.Ground().at(bottom)
    elm.Resistor().down(2).at(node.center).label("100k" if nmos else "10k", loc="bottom")
    elm.Ground()
    elm.Line().up(0.5).at(top)
    motor_bottom = elm.Dot()
    elm.Motor().up().label("coin motor", loc="bottom", ofst=0.3)
    motor_top = elm.Dot()
    elm.Line().up(0.5)
    elm.Dot(open=True).label("BAT+" if nmos else "3V3", loc="right")
    elm.Line().right(3.5).at(motor_bottom.center)
    elm.Diode().up().label("flyback", loc="bottom", ofst=0.3)
    elm.Line().left(3.5).to(motor_top.center)


def write_all(outdir=OUT):
    """Write every board's table and diagram; returns the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(BOARDS):
        for path, text in ((outdir / (name + ".md"), table_markdown(name)),
                           (outdir / (name + ".svg"), diagram(name))):
            path.write_text(text)
            written.append(path)
    return written


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    for path in write_all(argv[0] if argv else OUT):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
