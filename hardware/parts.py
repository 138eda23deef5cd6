"""What each build is made of: the parts list and the electrical figures of the parts that the
driver calculation and the power budget need. Pins are not here: they live in the firmware's
board profiles (firmware/device/boards.py), the one place the device, the docs and the tests read.

Prices are rough single-unit retail prices in USD (2025), for budgeting, not quotes.
"""

# A 10 mm coin ERM vibration motor (e.g. Vybronics VC1020B001L, Jinlong C1020B, Precision
# Microdrives 310-101). Datasheets of this class: rated 3.0 V, rated current <= 80-90 mA,
# starting current <= 120 mA, terminal resistance ~30 ohm.
COIN_MOTOR = {"rated_v": 3.0, "run_ma": 90.0, "start_ma": 120.0}

# A Grove vibration motor unit (Seeed 105020003 class): a coin motor with its own transistor and
# diode, run from the port's 5 V. On the M5StickC Plus2 on battery, that 5 V comes from the
# internal boost converter (efficiency assumed 85 %).
GROVE_MOTOR_UNIT = {"rated_v": 5.0, "run_ma": 90.0, "start_ma": 120.0, "boost_efficiency": 0.85}

# Driver transistors and diodes the calculation may pick from (datasheet maxima/typicals).
NMOS = {"part": "AO3400A (SOT-23 N-MOSFET)", "vgs_th_max_v": 1.45, "rds_on_2v5_ohm": 0.048,
        "ciss_pf": 630.0, "vds_max_v": 30.0, "id_max_a": 5.7}
NPN = {"part": "S8050 / 2N2222A (NPN)", "vbe_sat_v": 0.85, "vce_sat_v": 0.3, "ic_max_a": 0.5}
DIODES = (  # (part, reverse voltage V, average forward current A)
    ("1N4148W", 75.0, 0.15),
    ("BAT54", 30.0, 0.2),
    ("B5819W (Schottky)", 40.0, 1.0),
)

# A GPIO should source no more than this continuously (ESP32 datasheets give ~20-40 mA per pin
# at the default drive strength; 20 mA keeps margin on all three chips).
GPIO_V = 3.3
GPIO_MAX_MA = 20.0

LIPO_MAX_V = 4.2
LIPO_NOMINAL_V = 3.7

# What a worn build needs besides electronics.
WEAR = (
    ("Printed case + clip, PETG or TPU (enclosure/leanclip_case.scad)", 1, "3D print", 1.0),
    ("Elastic chest strap 25-35 mm wide (a heart-rate monitor strap works)", 1,
     "e.g. Polar Soft Strap", 8.0),
)

BUILDS = {
    "a": {
        "title": "(a) No soldering: M5StickC Plus2 + Grove vibration motor unit",
        "short": "M5StickC Plus2 + Grove vibration unit",
        "for": "a runner who wants to run today",
        "soldering": "none",
        "boards": ("m5stickc-plus2",),
        "motor": GROVE_MOTOR_UNIT,
        "motor_supply_v": 5.0,
        "battery_mah": 200,  # built in
        "bom": (
            ("M5StickC Plus2 (ESP32-PICO-V3-02, MPU6886, buzzer, 200 mAh)", 1, "M5Stack K016-P2",
             20.0),
            ("Grove vibration motor unit", 1, "Seeed 105020003", 3.0),
            ("Grove / HY2.0-4P cable, 10-20 cm (one ships with the unit)", 1, "any", 1.0),
        ) + WEAR,
    },
    "b": {
        "title": "(b) Compact DIY: XIAO ESP32-S3 (or C3) + ICM-42688-P + coin motor + LiPo",
        "short": "XIAO ESP32-S3 (or C3) + ICM-42688-P + coin motor",
        "for": "the small, light, all-day device",
        "soldering": "a little",
        "boards": ("xiao-esp32s3", "xiao-esp32c3"),
        "motor": COIN_MOTOR,
        "motor_supply_v": LIPO_MAX_V,  # straight from the battery
        "battery_mah": 400,
        "bom": (
            ("Seeed XIAO ESP32-S3 (or XIAO ESP32-C3)", 1, "Seeed 113991114 (S3) / 113991054 (C3)",
             7.5),
            ("ICM-42688-P breakout, I2C, 3.3 V (or MPU-6050 GY-521)", 1,
             "e.g. DFRobot SEN0452", 9.0),
            ("10 mm coin vibration motor, 3 V", 1, "Vybronics VC1020B001L", 1.5),
            ("N-MOSFET, logic level, SOT-23", 1, "AO3400A", 0.1),
            ("Flyback diode", 1, "see motor driver table", 0.1),
            ("Gate resistor + 100k pull-down, 0603/0805", 2, "see motor driver table", 0.05),
            ("Battery divider 2 x 1 MOhm + 100 nF", 3, "any 1 % 0603", 0.05),
            ("LiPo 3.7 V 400 mAh with protection PCB, JST-PH 2.0", 1, "502535 cell", 5.0),
            ("Tactile switch 6x6 mm (or 3x6 side button)", 1, "e.g. TS-1187A", 0.1),
            ("Perfboard / small protoboard, wire 30 AWG", 1, "", 2.0),
        ) + WEAR,
    },
    "c": {
        "title": "(c) Bench: ESP32-DevKitC + MPU-6050 on a breadboard",
        "short": "ESP32-DevKitC + MPU-6050 on a breadboard",
        "for": "developing the firmware",
        "soldering": "header pins only",
        "boards": ("esp32-devkitc",),
        "motor": COIN_MOTOR,
        "motor_supply_v": 3.3,  # from the DevKitC's 3V3 regulator
        "battery_mah": None,  # USB powered
        "bom": (
            ("ESP32-DevKitC V4 (WROOM-32E)", 1, "Espressif ESP32-DEVKITC-32E", 10.0),
            ("MPU-6050 breakout", 1, "GY-521", 3.0),
            ("10 mm coin vibration motor, 3 V", 1, "Vybronics VC1020B001L", 1.5),
            ("NPN transistor, TO-92", 1, "S8050 or 2N2222A", 0.1),
            ("Flyback diode", 1, "see motor driver table", 0.1),
            ("Base resistor + 10k pull-down", 2, "see motor driver table", 0.05),
            ("Tactile switch", 1, "6x6 mm through-hole", 0.1),
            ("Breadboard 830 points + jumper wires", 1, "", 5.0),
        ),
    },
}


def build_of(board_name):
    """The build letter a board profile belongs to, or None (e.g. the AtomS3 variant)."""
    for letter, build in BUILDS.items():
        if board_name in build["boards"]:
            return letter
    return None


# --- the pelvis pod (issue 17): a second IMU on the chest's I2C bus through a 4-wire cable ------

# Capacitance of one bus line (SDA or SCL) to everything else, pF. Pins: UM10204 Table 10 allows
# up to 10 pF per I/O pin (Ci), used for the MCU and both IMUs. Board wiring and connectors are
# estimates for a perfboard/breakout build. Thin multi-core and ribbon cable run about 50-100 pF
# per metre from one conductor to the others; the upper end is used, plus a margin for the cable
# lying against a sweaty body (a large conductive mass next to the insulation).
BUS_C_PF = {"MCU pin": 10.0, "chest IMU pin": 10.0, "pod IMU pin": 10.0,
            "wiring on the chest board and the pod's breakout": 20.0,
            "two connectors": 6.0, "body proximity margin": 10.0}
POD_CABLE = {"min_m": 0.5, "max_m": 0.7, "pf_per_m": 100.0}
# The cable's conductor order, connector pin 1 first: UM10204 section 7.5 (SDA and SCL never
# side by side, VDD and VSS between them). Not the Qwiic/STEMMA QT order (GND, 3V3, SDA, SCL):
# the JST-GH housing keeps those plugs out.
POD_PINS = ("SDA", "3V3", "GND", "SCL")

# Pull-up combinations a maker meets: (what is fitted, effective ohms). Breakouts usually carry
# their own 4.7k or 10k pull-ups; two boards on one bus put theirs in parallel.
PULLUPS = (
    ("2.2k fitted at the chest, breakout pull-ups removed (recommended)", 2200.0),
    ("two breakouts with 4.7k each, nothing added", 2350.0),
    ("two breakouts with 10k each, nothing added", 5000.0),
    ("two breakouts with 10k each + 3.3k added at the chest", 1988.0),
    ("two breakouts with 2.2k each, nothing added", 1100.0),
)

POD_BOM = (
    ("IMU breakout, same chip family as the chest's, AD0/SA0 strapped HIGH (0x69 / 0x6B)", 1,
     "ICM-42688-P breakout (or GY-521 for build c)", 9.0),
    ("4-core flexible cable, 26-28 AWG silicone, 50-70 cm", 1, "e.g. 4 x 28 AWG", 1.0),
    ("JST-GH 1.25 mm 4-pin latching plug (housing + crimps, or a pre-crimped GH lead)", 1,
     "JST GHR-04V-S + SSHL-002T-P0.2", 0.4),
    ("JST-GH 4-pin side-entry socket on the chest board (the case slot fits it)", 1,
     "JST SM04B-GHS-TB", 0.3),
    ("10 uF ceramic across VCC/GND on the pod's breakout", 1, "0805 X5R 10 V", 0.05),
    ("I2C pull-ups at the chest board, 0603/0805 (value: pelvis bus table)", 2,
     "2.2 kOhm 1 %", 0.05),
    ("Optional: 2-line ESD diode array for SDA/SCL at the chest connector", 1,
     "e.g. Nexperia PESD3V3S2UT (SOT-23)", 0.2),
    ("Optional: 100 Ohm series resistors in SDA/SCL at the chest connector", 2, "0603", 0.02),
    ("Printed pod case + waistband clip (enclosure/leanclip_case.scad, build=\"pod\")", 1,
     "3D print", 0.5),
    ("Heat-shrink, 2 cable ties, a dab of hot glue or silicone (strain relief)", 1, "", 0.3),
)
