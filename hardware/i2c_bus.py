"""The pelvis pod's bus: can a second IMU on a 50-70 cm cable share the chest's I2C bus, at what
speed, with which pull-ups? Worked from the I2C-bus specification, NXP UM10204 (rev. 6):

- Table 10: rise time t_r (30 % -> 70 % of VDD) at most 1000 ns in Standard-mode (100 kHz) and
  300 ns in Fast-mode (400 kHz); bus capacitance C_b at most 400 pF per line; each I/O pin at
  most 10 pF; an output must sink I_OL = 3 mA at V_OL = 0.4 V.
- Section 7.1: R_p(max) = t_r / (0.8473 x C_b)  (0.8473 RC is the 30-70 % rise of an RC edge);
  R_p(min) = (VDD - V_OL(max)) / I_OL.
- Section 7.5: over 10 cm of cable, run the lines as SDA, VDD, VSS, SCL so SDA and SCL are not
  neighbours (crosstalk) and load equally.

It also budgets the bus time: MicroPython's I2C calls block the CPU for the whole transfer, so
the share of each second spent on the bus is time the loop cannot use.

    .venv/bin/python -m hardware.i2c_bus      # the tables in hardware/README.md
"""
import sys

from firmware.device.boards import BOARDS
from hardware import parts, power_budget

VDD_V = 3.3
VOL_MAX_V = 0.4
IOL_MIN_MA = 3.0
RISE_FACTOR = 0.8473
MODES = ((100000, "Standard-mode", 1000.0), (400000, "Fast-mode", 300.0))  # (Hz, name, t_r ns)
CB_MAX_PF = 400.0

# FIFO bytes per sample per profile IMU model (docs/drivers.md section 2) and the status bytes
# read before each drain (FIFO count; INT_STATUS + count on the ICM-42688-P).
SAMPLE_BYTES = {"mpu6050": 12, "mpu6886": 14, "icm42688p": 16}
STATUS_BYTES = {"mpu6050": 2, "mpu6886": 2, "icm42688p": 3}
# START, address+W, register, repeated START, address+R, STOP: bit times around each read.
TRANSFER_OVERHEAD_BITS = 30
CHUNK_MAX = 16  # the drivers read at most 16 samples per transfer (imubase._CHUNK_LOG2)
LOOP_HZ = 50  # firmware/device/app.py LOOP_PERIOD_US = 20 ms
RATE_HZ = 200


def bus_capacitance_pf(cable_m, pf_per_m=parts.POD_CABLE["pf_per_m"]):
    """C_b of one line with the pod on `cable_m` of cable: the parts.BUS_C_PF sum + the cable."""
    return sum(parts.BUS_C_PF.values()) + cable_m * pf_per_m


def rise_ns(rp_ohm, cb_pf):
    return RISE_FACTOR * rp_ohm * cb_pf * 1e-3


def rp_max_ohm(tr_ns, cb_pf):
    return tr_ns / (RISE_FACTOR * cb_pf) * 1e3


def rp_min_ohm(vdd_v=VDD_V):
    return (vdd_v - VOL_MAX_V) / IOL_MIN_MA * 1e3


def bus_share(model, freq_hz, imus=2, rate_hz=RATE_HZ, loop_hz=LOOP_HZ):
    """Fraction of each second the CPU spends in I2C transfers draining `imus` FIFOs of `model`
    once per loop pass (status read + the drain in power-of-two chunks, as imubase does)."""
    per_pass = rate_hz // loop_hz
    chunks = bin(per_pass % CHUNK_MAX).count("1") + per_pass // CHUNK_MAX
    bits = TRANSFER_OVERHEAD_BITS * (1 + chunks) + 9 * (
        STATUS_BYTES[model] + per_pass * SAMPLE_BYTES[model])
    return imus * bits * loop_hz / freq_hz


def capacitance_markdown():
    lines = ["| Part of one bus line (SDA or SCL) | pF |", "|---|---|"]
    for part, pf in parts.BUS_C_PF.items():
        lines.append("| %s | %.0f |" % (part, pf))
    cable = parts.POD_CABLE
    for m in (cable["min_m"], cable["max_m"]):
        lines.append("| cable %.0f cm x %.0f pF/m | %.0f |" % (m * 100, cable["pf_per_m"],
                                                               m * cable["pf_per_m"]))
    lines.append("| **C_b with a %.0f cm cable** (UM10204 limit %.0f pF) | **%.0f** |"
                 % (cable["max_m"] * 100, CB_MAX_PF, bus_capacitance_pf(cable["max_m"])))
    return "\n".join(lines)


def pullup_markdown():
    cb = bus_capacitance_pf(parts.POD_CABLE["max_m"])
    lines = ["R_p allowed at C_b = %.0f pF: at least %.0f ohm (sink current), at most %.0f ohm "
             "at 100 kHz and %.0f ohm at 400 kHz." % (cb, rp_min_ohm(), rp_max_ohm(1000.0, cb),
                                                      rp_max_ohm(300.0, cb)), "",
             "| Pull-ups fitted | R_p effective | Rise time | 400 kHz (<= 300 ns) | "
             "100 kHz (<= 1000 ns) | Low-level current |", "|---|---|---|---|---|---|"]
    for what, rp in parts.PULLUPS:
        tr = rise_ns(rp, cb)
        ok_sink = rp >= rp_min_ohm()
        lines.append("| %s | %.2f kOhm | %.0f ns | %s | %s | %.1f mA%s |" % (
            what, rp / 1000, tr, "yes" if tr <= 300 and ok_sink else "NO",
            "yes" if tr <= 1000 and ok_sink else "NO", VDD_V / rp * 1000,
            "" if ok_sink else " (over 3 mA: too strong)"))
    return "\n".join(lines)


def share_markdown():
    lines = ["| IMUs (model) | 400 kHz | 100 kHz |", "|---|---|---|"]
    for model in sorted({p["pelvis"]["model"] for p in BOARDS.values() if p["pelvis"]}):
        for n in (1, 2):
            lines.append("| %d x %s | %.0f %% | %.0f %% |" % (
                n, model, 100 * bus_share(model, 400000, n), 100 * bus_share(model, 100000, n)))
    return "\n".join(lines)


def battery_markdown():
    """What the pod costs in running life on the battery builds that offer it (80 MHz, worst-case
    buzzing, as the power budget table): its IMU's active current plus the pull-ups' average."""
    pullup_ma = VDD_V / parts.PULLUPS[0][1] * 1000 * 0.5  # each line low about half the time
    lines = ["| Board | Pod adds | Running life without / with the pod |", "|---|---|---|"]
    for name in power_budget.battery_boards():
        pod = BOARDS[name]["pelvis"]
        if not pod:
            continue
        mah = parts.BUILDS[parts.build_of(name)]["battery_mah"]
        base_ma = sum(power_budget.running_ma(name).values())
        extra_ma = power_budget.IMU[pod["model"]]["active_ma"] + pullup_ma * bus_share(
            pod["model"], 400000)
        lines.append("| %s | %.2f mA | %.1f h / %.1f h |" % (
            name, extra_ma, power_budget.hours(mah, base_ma),
            power_budget.hours(mah, base_ma + extra_ma)))
    return "\n".join(lines)


def markdown():
    return ("```\n$ .venv/bin/python -m hardware.i2c_bus\n```\n\n" + capacitance_markdown()
            + "\n\n" + pullup_markdown() + "\n\nShare of each second the CPU spends blocked in "
            "I2C transfers (%d Hz sampling, %d loop passes/s, status read + FIFO drain per pass):"
            "\n\n" % (RATE_HZ, LOOP_HZ) + share_markdown() + "\n\nBattery (the power budget's "
            "worst case; pull-ups counted while the bus is busy):\n\n" + battery_markdown())


def main():
    print(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
