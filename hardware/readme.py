"""Keeps the generated parts of hardware/README.md (BOMs, driver values, battery table, the
pelvis pod's bus) equal to what the scripts compute, so the numbers a maker reads are the
numbers the code produces.

A generated block sits between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`; the text
around the blocks is written by hand.

    .venv/bin/python -m hardware.readme        # rewrite the blocks in place (make hardware)
"""
import sys
from pathlib import Path

from firmware.device.boards import BOARDS
from hardware import i2c_bus, motor_driver, parts, power_budget

README = Path(__file__).resolve().parent / "README.md"


def bom_total(letter):
    return _total(parts.BUILDS[letter]["bom"])


def _total(rows):
    return sum(qty * price for _, qty, _, price in rows)


def bom_markdown(letter):
    return _bom_table(parts.BUILDS[letter]["bom"])


def _bom_table(rows):
    lines = ["| Part | Qty | Example part number | Approx. USD |", "|---|---|---|---|"]
    for part, qty, number, price in rows:
        lines.append("| %s | %d | %s | %.2f |" % (part, qty, number, price))
    lines.append("| **Total** | | | **%.0f** |" % _total(rows))
    return "\n".join(lines)


def runs_on(letter):
    """Battery and running hours (80 MHz, worst-case buzzing) from the power budget."""
    build = parts.BUILDS[letter]
    if not build["battery_mah"]:
        return "USB"
    hours = [r["run_h"] for r in power_budget.rows()
             if r["cpu_mhz"] == 80 and r["board"] in build["boards"]]
    span = "%.0f h" % min(hours) if max(hours) - min(hours) < 1 else "%.0f-%.0f h" % (
        min(hours), max(hours))
    return "%d mAh, %s" % (build["battery_mah"], span)


def overview_markdown():
    lines = ["| Build | For | Soldering | Runs on | Approx. cost |", "|---|---|---|---|---|"]
    for letter, build in sorted(parts.BUILDS.items()):
        lines.append("| (%s) %s | %s | %s | %s | ~%.0f USD |" % (
            letter, build["short"], build["for"], build["soldering"], runs_on(letter),
            bom_total(letter)))
    return "\n".join(lines)


# Heap figures from the ESP32 model (`python -m bench memory`, docs/device.md section 9): the
# smallest heap in which a whole session ran, per install path, and the heap an ESP32 without
# PSRAM starts with (ESP-IDF's internal RAM after Wi-Fi/BT buffers; it grows in pieces later).
MPY_RUNS_FROM_KIB = 160
FROZEN_RUNS_FROM_KIB = 48
FROZEN_24K_FREE_FROM_KIB = 64  # >= 24 KB free after every collection (the margin)
START_HEAP_KIB = {"esp32": 56, "esp32s3": 64, "esp32c3": 64}


def install_markdown():
    """Per board: the install path its RAM fits (docs/device.md section 9 has the figures)."""
    lines = ["| Board | PSRAM | Heap at start | Install | Only a real board can confirm |",
             "|---|---|---|---|---|"]
    for name, p in sorted(BOARDS.items()):
        if p["psram"]:
            heap = "MBs (%s PSRAM)" % p["psram"]
            how = "`leanclip flash` (.mpy files): RAM is not the limit"
            confirm = "that the build from micropython.org enables the PSRAM"
        else:
            heap = "~%d KB, growing in pieces" % START_HEAP_KIB[p["chip"]]
            how = ("**frozen image** (manifest_esp32.py): ran in %d KiB, 24 KB to spare from "
                   "%d KiB; .mpy files need the heap to grow to %d KiB"
                   % (FROZEN_RUNS_FROM_KIB, FROZEN_24K_FREE_FROM_KIB, MPY_RUNS_FROM_KIB))
            confirm = ("how far the heap grows and in what pieces; gc pauses (the model's "
                       "are a PC's)")
        lines.append("| %s (`%s`) | %s | %s | %s | %s |" % (
            p["title"], name, p["psram"] or "none", heap, how, confirm))
    return "\n".join(lines)


def power_markdown():
    return "```\n$ .venv/bin/python -m hardware.power_budget\n```\n\n%s\n\n%s" % (
        power_budget.table(), power_budget.assumptions())


def blocks():
    """NAME -> generated markdown."""
    out = {"bom-%s" % letter: bom_markdown(letter) for letter in sorted(parts.BUILDS)}
    out["bom-pod"] = _bom_table(parts.POD_BOM)
    out["pelvis-bus"] = i2c_bus.markdown()
    out["overview"] = overview_markdown()
    out["install"] = install_markdown()
    out["motor-driver"] = ("```\n$ .venv/bin/python -m hardware.motor_driver\n```\n\n"
                           + motor_driver.markdown())
    out["power-budget"] = power_markdown()
    out["power-detail"] = ("```\n$ .venv/bin/python -m hardware.power_budget --detail  "
                           "(the part after the table)\n\n" + power_budget.detail() + "\n```")
    return out


def update(text):
    """`text` with every generated block replaced by its current content."""
    for name, body in blocks().items():
        start, end = "<!-- generated:%s -->" % name, "<!-- /generated:%s -->" % name
        i = text.find(start)
        j = text.find(end)
        if i < 0 or j < i:
            raise ValueError("README has no %s ... %s block" % (start, end))
        text = text[:i + len(start)] + "\n" + body.strip("\n") + "\n" + text[j:]
    return text


def main():
    README.write_text(update(README.read_text()))
    print(README)
    return 0


if __name__ == "__main__":
    sys.exit(main())
