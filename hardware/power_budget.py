"""Battery life per board, from datasheet currents and the firmware's duty cycle.

    .venv/bin/python -m hardware.power_budget            # the table in hardware/README.md
    .venv/bin/python -m hardware.power_budget --detail   # plus where each milliamp goes

Goals (issue 6): >= 8 h of running on 400 mAh, >= 2 weeks of standby.

How the figures are chosen: where a datasheet gives a range, the upper end is used; where only a
board-level measurement exists (Seeed's XIAO sleep currents) the worse of the vendor figure and
the forum measurements is used; figures nobody has published are marked "estimate" and are the
first thing to measure on a real board. The motor is budgeted at the firmware's WORST case - a
fault that never ends, buzzed every `repeat_s` - and at full PWM duty from a full battery.
"""
import sys

from firmware.core import config, haptics
from firmware.device.boards import BOARDS, profile as board_profile
from hardware import parts

USABLE_FRACTION = 0.85  # LiPo: capacity above the firmware's low-battery cut-off, ageing margin
STANDBY_GOAL_H = 14 * 24
RUNNING_GOAL_H = 8.0
GOAL_BATTERY_MAH = 400

# MCU currents in mA, CPU running with the radio off (datasheets call it modem-sleep; MicroPython
# never starts Wi-Fi/BLE unless asked), light sleep, deep sleep (RTC timer + RTC memory).
MCU = {
    "esp32": {"run_ma": {80: 31.0, 160: 44.0}, "light_ma": 0.8, "deep_ma": 0.010,
              "source": "ESP32 Series Datasheet v4.x, 'Power consumption by power modes': "
                        "modem-sleep 80 MHz 20-31 mA, 160 MHz 27-44 mA; light-sleep 0.8 mA; "
                        "deep-sleep RTC timer + memory 10 uA"},
    "esp32s3": {"run_ma": {80: 30.0, 160: 45.0}, "light_ma": 0.24, "deep_ma": 0.008,
                "source": "ESP32-S3 Series Datasheet v1.x, 'Current consumption': modem-sleep "
                          "upper end rounded up (one core active, peripherals clocked); "
                          "light-sleep 240 uA; deep-sleep 7-8 uA. Cross-check: an "
                          "ESP32-S3-DevKitM-1 measured 31.7 mA awake at 3.3 V (lucidar.me)"},
    "esp32c3": {"run_ma": {80: 22.0, 160: 30.0}, "light_ma": 0.13, "deep_ma": 0.005,
                "source": "ESP32-C3 Series Datasheet v1.x, 'Current consumption': modem-sleep "
                          "upper end rounded up; light-sleep 130 uA; deep-sleep 5 uA. "
                          "Cross-check: robdobson.com measured 26.8 mA at 160 MHz in a busy "
                          "loop, 20.1 mA with 10 ms delays"},
}

# IMU currents in mA: accelerometer + gyroscope at 100-200 Hz, asleep, and accelerometer-only
# low-power (what wake-on-motion standby would cost instead of sleep).
IMU = {
    "mpu6050": {"active_ma": 3.9, "sleep_ma": 0.005, "lp_accel_ma": 0.020,
                "source": "MPU-6000/6050 Product Specification rev 3.4, 6.3/6.4: gyro + accel "
                          "3.9 mA, sleep 5 uA, accel low-power 20 uA at 5 Hz"},
    "mpu6886": {"active_ma": 3.0, "sleep_ma": 0.010, "lp_accel_ma": 0.050,
                "source": "MPU-6886 datasheet: 6-axis low-noise ~2.8 mA (rounded up); sleep and "
                          "accel low-power budgeted at 10 / 50 uA (estimates)"},
    "icm42688p": {"active_ma": 0.88, "sleep_ma": 0.010, "lp_accel_ma": 0.070,
                  "source": "ICM-42688-P datasheet DS-000347: 0.88 mA 6-axis low-noise; sleep and "
                            "accel low-power (25 Hz) budgeted at 10 / 70 uA (estimates)"},
}

# Everything on the board that is not MCU, IMU, motor or LED: regulator quiescent current,
# charger, USB bridge, level shifters - while running, and what the whole board draws in
# standby (deep sleep, IMU asleep) where a board-level figure exists.
BOARD = {
    "m5stickc-plus2": {"run_ma": 2.0, "standby_ma": 0.15, "estimate": True,
                       "source": "estimate: 5 V boost for the Grove port, LCD controller asleep, "
                                 "regulator; no published figure"},
    "xiao-esp32s3": {"run_ma": 0.1, "standby_ma": 0.063, "estimate": False,
                     "source": "Seeed wiki XIAO ESP32S3 spec: deep sleep 14 uA; Seeed forum "
                               "measurements up to 63 uA (used)"},
    "xiao-esp32c3": {"run_ma": 0.1, "standby_ma": 0.115, "estimate": False,
                     "source": "Seeed wiki XIAO ESP32C3 spec: deep sleep 44 uA; Seeed forum "
                               "measurement 115 uA (used)"},
}

LED_MA = 3.0           # a status LED through its resistor (estimate)
LED_DUTY = 0.025       # 50 ms flash every 2 s while running
DIVIDER_OHM = 2e6      # battery sense divider, 2 x 1 MOhm
TYPICAL_ALERTS_PER_H = 20

# The loop's duty cycle if it light-slept between FIFO drains instead of idling awake: samples per
# second x CPU time per sample (pipeline cost, to be replaced by `make bench`'s figure for the
# chip) + one wake-up per drain.
SAMPLE_RATE_HZ = 100
CPU_MS_PER_SAMPLE = 1.0
DRAIN_HZ = 10
WAKE_MS = 1.0


def fault_buzz_on_ms():
    """On-time of the longest fault buzz (the patterns are the firmware's own)."""
    longest = 0
    for name in ("upright", "arch", "overlean"):
        pattern = haptics.PATTERNS[name]
        longest = max(longest, sum(pattern[0::2]))
    return longest


def worst_alerts_per_h():
    """A fault that never ends is buzzed every repeat_s (the config default)."""
    return 3600.0 / config.defaults()["repeat_s"]


def motor_battery_ma(build):
    """Battery current while the motor is on, at full duty from a full battery."""
    motor = build["motor"]
    if "boost_efficiency" in motor:  # a 5 V unit behind the board's boost converter
        boost = motor["boost_efficiency"]
        return motor["run_ma"] * motor["rated_v"] / (parts.LIPO_NOMINAL_V * boost)
    return motor["run_ma"] * build["motor_supply_v"] / motor["rated_v"]


def running_ma(name, cpu_mhz=80, alerts_per_h=None):
    """Average battery current while running, broken down by consumer (mA)."""
    profile = board_profile(name)
    build = parts.BUILDS[parts.build_of(name)]
    if alerts_per_h is None:
        alerts_per_h = worst_alerts_per_h()
    on_s_per_h = alerts_per_h * fault_buzz_on_ms() / 1000.0
    parts_ma = {
        "mcu": MCU[profile["chip"]]["run_ma"][cpu_mhz],
        "imu": IMU[profile["imu"]["model"]]["active_ma"],
        "motor": motor_battery_ma(build) * on_s_per_h / 3600.0,
        "led": LED_MA * LED_DUTY if profile["led"] else 0.0,
        "board": BOARD[name]["run_ma"],
        "divider": parts.LIPO_MAX_V / DIVIDER_OHM * 1000 if profile["battery"] else 0.0,
    }
    return parts_ma


def lightsleep_mcu_ma(chip, cpu_mhz=80):
    """MCU current if the loop light-slept between FIFO drains (not what the firmware does yet)."""
    mcu = MCU[chip]
    active = min(1.0, (SAMPLE_RATE_HZ * CPU_MS_PER_SAMPLE + DRAIN_HZ * WAKE_MS) / 1000.0)
    return active * mcu["run_ma"][cpu_mhz] + (1 - active) * mcu["light_ma"]


def standby_ma(name, wake_on_motion=False):
    """Battery current in standby: deep sleep, woken by the button - or, with wake_on_motion,
    by the IMU's motion interrupt, the accelerometer running in low-power mode (mA)."""
    profile = board_profile(name)
    imu = IMU[profile["imu"]["model"]]
    return {
        "board (incl. MCU deep sleep)": max(BOARD[name]["standby_ma"],
                                            MCU[profile["chip"]]["deep_ma"]),
        "imu": imu["lp_accel_ma"] if wake_on_motion else imu["sleep_ma"],
        "divider": parts.LIPO_MAX_V / DIVIDER_OHM * 1000 if profile["battery"] else 0.0,
    }


def hours(capacity_mah, current_ma):
    return capacity_mah * USABLE_FRACTION / current_ma


def battery_boards():
    """Boards that run from a battery (the others are USB-powered and have no life to budget)."""
    return [name for name in sorted(BOARDS) if name in BOARD]


def rows():
    """One row per battery board and CPU clock: currents and lives on its own battery and on
    the goal's 400 mAh."""
    out = []
    for name in battery_boards():
        build = parts.BUILDS[parts.build_of(name)]
        standby = sum(standby_ma(name).values())
        standby_wom = sum(standby_ma(name, wake_on_motion=True).values())
        for mhz in (80, 160):
            run_worst = sum(running_ma(name, mhz).values())
            run_typ = sum(running_ma(name, mhz, TYPICAL_ALERTS_PER_H).values())
            out.append({
                "board": name, "cpu_mhz": mhz, "battery_mah": build["battery_mah"],
                "run_worst_ma": run_worst, "run_typ_ma": run_typ, "standby_ma": standby,
                "run_h": hours(build["battery_mah"], run_worst),
                "run_h_400": hours(GOAL_BATTERY_MAH, run_worst),
                "standby_days": hours(build["battery_mah"], standby) / 24,
                "standby_wom_days": hours(build["battery_mah"], standby_wom) / 24,
            })
    return out


def meets_goals(row):
    """(running goal met, standby goal met) on the board's own battery."""
    return row["run_h"] >= RUNNING_GOAL_H, row["standby_days"] * 24 >= STANDBY_GOAL_H


def table():
    lines = [
        "| Board | CPU | Battery | Running, worst / typical | Running life | Same on 400 mAh "
        "| Standby | Standby life | With wake-on-motion | Goals (8 h / 2 wk) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows():
        run_ok, standby_ok = meets_goals(r)
        lines.append("| %s | %d MHz | %d mAh | %.1f / %.1f mA | %.1f h | %.1f h | %.0f uA "
                     "| %.0f days | %.0f days | %s / %s |"
                     % (r["board"], r["cpu_mhz"], r["battery_mah"], r["run_worst_ma"],
                        r["run_typ_ma"], r["run_h"], r["run_h_400"], r["standby_ma"] * 1000,
                        r["standby_days"], r["standby_wom_days"], "yes" if run_ok else "NO",
                        "yes" if standby_ok else "NO"))
    return "\n".join(lines)


def assumptions():
    return "\n".join([
        "Usable capacity %.0f %%. Motor: worst case %.0f buzzes/h (repeat_s = %.0f s) x %d ms "
        "(longest fault pattern) = %.0f s/h on; typical %d buzzes/h. LED %.1f mA x %.1f %% duty. "
        "CPU awake all the time (MicroPython's sleep_ms does not light-sleep)."
        % (USABLE_FRACTION * 100, worst_alerts_per_h(), config.defaults()["repeat_s"],
           fault_buzz_on_ms(), worst_alerts_per_h() * fault_buzz_on_ms() / 1000,
           TYPICAL_ALERTS_PER_H, LED_MA, LED_DUTY * 100),
    ])


def detail():
    lines = []
    for name in battery_boards():
        run = running_ma(name)
        lines.append("%s running at 80 MHz (worst case): %s" % (name, ", ".join(
            "%s %.2f mA" % (k, v) for k, v in run.items())))
        lines.append("%s standby: %s" % (name, ", ".join(
            "%s %.1f uA" % (k, v * 1000) for k, v in standby_ma(name).items())))
        chip = board_profile(name)["chip"]
        lines.append("%s MCU if light-sleeping between FIFO drains (%d Hz x %.1f ms/sample + "
                     "%d wakes/s x %.1f ms): %.1f mA instead of %.1f mA"
                     % (name, SAMPLE_RATE_HZ, CPU_MS_PER_SAMPLE, DRAIN_HZ, WAKE_MS,
                        lightsleep_mcu_ma(chip), run["mcu"]))
    lines.append("")
    lines.append("Sources:")
    for table_ in (MCU, IMU, BOARD):
        for key, value in sorted(table_.items()):
            lines.append("- %s: %s" % (key, value["source"]))
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    print(table())
    print()
    print(assumptions())
    if "--detail" in argv:
        print()
        print(detail())
    return 0


if __name__ == "__main__":
    sys.exit(main())
