"""Component values of the motor driver, computed from the motor's current.

A GPIO cannot drive a coin motor (90-120 mA, inductive), so a transistor switches it and a diode
catches the turn-off spike. The values follow from a few datasheet numbers, so they are computed
here and the table in hardware/README.md is this script's output, not hand arithmetic:

    .venv/bin/python -m hardware.motor_driver
"""
import sys

from firmware.device import boards
from hardware import parts

E12 = (1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2)


def e12_at_least(ohms):
    """Smallest E12 value >= ohms."""
    decade = 1.0
    while decade * 10 <= ohms:
        decade *= 10
    while True:
        for v in E12:
            if v * decade >= ohms - 1e-9:
                return round(v * decade, 6)
        decade *= 10


def e12_at_most(ohms):
    """Largest E12 value <= ohms."""
    best = None
    decade = 1.0
    while decade <= ohms:
        for v in E12:
            if v * decade <= ohms + 1e-9:
                best = round(v * decade, 6)
        decade *= 10
    return best


def pick_diode(supply_v, start_ma):
    """First diode rated for twice the supply and twice the starting current (surge margin)."""
    for part, vr, i_a in parts.DIODES:
        if vr >= 2 * supply_v and i_a * 1000 >= 2 * start_ma:
            return part, vr, i_a
    raise ValueError("no diode in parts.DIODES covers %.1f V / %.0f mA" % (supply_v, start_ma))


def max_duty(motor, supply_v):
    """PWM duty that gives the motor its rated average voltage from this supply."""
    return min(1.0, motor["rated_v"] / supply_v)


def gate_resistor():
    """(chosen, minimum) gate resistor: the GPIO must not source more than its limit into the
    discharged gate."""
    rg_min = parts.GPIO_V / (parts.GPIO_MAX_MA / 1000)
    return e12_at_least(rg_min), rg_min


def base_resistor(motor):
    """(chosen, maximum, base current mA) for saturation at a forced beta of 10 at start."""
    ib_ma = motor["start_ma"] / 10
    rb_max = (parts.GPIO_V - parts.NPN["vbe_sat_v"]) / (ib_ma / 1000)
    return e12_at_most(rb_max), rb_max, ib_ma


def nmos_driver(motor, supply_v):
    """Low-side N-MOSFET: gate resistor limits the GPIO's charging current; a pull-down keeps
    the gate off while the GPIO floats (reset, boot, deep sleep)."""
    fet = parts.NMOS
    rg, rg_min = gate_resistor()
    i_start_a = motor["start_ma"] / 1000
    return {
        "transistor": fet["part"],
        "gate drive margin": "Vgs(th) max %.2f V < GPIO %.1f V" % (fet["vgs_th_max_v"],
                                                                  parts.GPIO_V),
        "gate resistor": "%s (>= %.0f ohm = %.1f V / %.0f mA)" % (
            ohm_text(rg), rg_min, parts.GPIO_V, parts.GPIO_MAX_MA),
        "gate pull-down": "100k (%.0f uA from the GPIO while on)" % (parts.GPIO_V / 100e3 * 1e6),
        "switching time constant": "%.0f ns (Rg x Ciss %.0f pF) << PWM period" % (
            rg * fet["ciss_pf"] * 1e-3, fet["ciss_pf"]),
        "drop / loss at start current": "%.1f mV / %.2f mW (Rds(on) %.0f mOhm at Vgs 2.5 V)" % (
            i_start_a * fet["rds_on_2v5_ohm"] * 1000,
            i_start_a ** 2 * fet["rds_on_2v5_ohm"] * 1000,
            fet["rds_on_2v5_ohm"] * 1000),
    }


def npn_driver(motor, supply_v):
    """Low-side NPN driven into saturation with a forced beta of 10 at the starting current."""
    bjt = parts.NPN
    rb, rb_max, ib_ma = base_resistor(motor)
    ib_actual_ma = (parts.GPIO_V - bjt["vbe_sat_v"]) / rb * 1000
    if ib_actual_ma > parts.GPIO_MAX_MA:
        raise ValueError("base current %.1f mA exceeds the GPIO limit" % ib_actual_ma)
    return {
        "transistor": bjt["part"],
        "base current": "%.1f mA = start %.0f mA / forced beta 10" % (ib_ma, motor["start_ma"]),
        "base resistor": "%s (<= %.0f ohm = (%.1f V - Vbe(sat) %.2f V) / %.1f mA; gives %.1f mA)"
                         % (ohm_text(rb), rb_max, parts.GPIO_V, bjt["vbe_sat_v"], ib_ma,
                            ib_actual_ma),
        "base pull-down": "10k (keeps it off while the GPIO floats)",
        "motor voltage when on": "%.2f V (supply %.1f V - Vce(sat) %.1f V)" % (
            supply_v - bjt["vce_sat_v"], supply_v, bjt["vce_sat_v"]),
    }


def driver(kind, motor, supply_v):
    """All values for one driver kind ("nmos" / "npn"), diode and duty cap included."""
    if kind == "nmos":
        values = nmos_driver(motor, supply_v)
        motor_v = supply_v  # the MOSFET drops millivolts
    else:
        values = npn_driver(motor, supply_v)
        motor_v = supply_v - parts.NPN["vce_sat_v"]
    part, vr, i_a = pick_diode(supply_v, motor["start_ma"])
    values["flyback diode"] = "%s (%.0f V, %.0f mA) across the motor, cathode to +" % (
        part, vr, i_a * 1000)
    values["max PWM duty"] = "%.2f (rated %.1f V from %.2f V across the motor)" % (
        max_duty(motor, motor_v), motor["rated_v"], motor_v)
    return values


def ohm_text(r):
    if r >= 1000:
        return ("%.1fk" % (r / 1000)).replace(".0k", "k")
    return "%.0f ohm" % r


def markdown():
    """The driver tables for the builds that have a driver circuit of their own."""
    out = []
    for letter, build in sorted(parts.BUILDS.items()):
        kind = _driver_kind(build)
        if kind is None:
            continue
        motor = build["motor"]
        out.append("**Build (%s), %s driver**: motor %.1f V rated, %.0f mA running, %.0f mA "
                   "starting, supply up to %.1f V\n" % (letter, kind.upper(), motor["rated_v"],
                                                        motor["run_ma"], motor["start_ma"],
                                                        build["motor_supply_v"]))
        out.append("| Item | Value |\n|---|---|")
        for item, value in driver(kind, motor, build["motor_supply_v"]).items():
            out.append("| %s | %s |" % (item, value))
        out.append("")
    return "\n".join(out)


def _driver_kind(build):
    motor = boards.profile(build["boards"][0])["motor"]
    kind = motor and motor.get("driver")
    return kind if kind in ("nmos", "npn") else None


def main():
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
