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


# The heap an ESP32 without PSRAM starts with (ESP-IDF's internal RAM after Wi-Fi/BT buffers;
# it grows in pieces later).
START_HEAP_KIB = {"esp32": 56, "esp32s3": 64, "esp32c3": 64}
MIN_FREE_KB = 24.0  # free after every collection: the margin (bench/memory.py)
DEVICE_DOC = README.parent.parent / "docs" / "device.md"


def memory_figures(text=None):
    """{install ("mpy", "frozen"): (smallest heap in KiB that ran a whole session, smallest
    with >= MIN_FREE_KB free after every collection, or None)}, read from the `python -m bench
    memory` table in docs/device.md section 9: the figures exist once, where the bench's output
    is pasted."""
    text = DEVICE_DOC.read_text() if text is None else text
    runs = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 9 or cells[0] not in ("mpy", "frozen") or not cells[1].endswith("k"):
            continue
        kib = int(cells[1][:-1])
        ran = cells[5] == "yes"
        free_kb = float(cells[6].split()[0]) if ran else 0.0
        runs.setdefault(cells[0], []).append((kib, ran, free_kb >= MIN_FREE_KB))
    out = {}
    for install in ("mpy", "frozen"):
        rows = sorted(runs.get(install, ()))
        if not rows:
            raise ValueError("no %s rows in the memory table of %s" % (install, DEVICE_DOC))
        ran = [k for k, ok, _ in rows if ok]
        spare = [k for k, ok, free in rows if ok and free]
        out[install] = (ran[0] if ran else None, spare[0] if spare else None)
    return out


def _fits(figures):
    """'ran in X KiB, 24 KB to spare from Y KiB' (or what it did not do in the heaps tried)."""
    ran, spare = figures
    if ran is None:
        return "did not run in the heaps tried"
    if spare == ran:
        return "ran in %d KiB with %d KB to spare" % (ran, MIN_FREE_KB)
    return "ran in %d KiB, %s" % (ran, "%d KB to spare from %d KiB" % (MIN_FREE_KB, spare)
                                  if spare else "never %d KB to spare" % MIN_FREE_KB)


def install_markdown():
    """Per board: the install path its RAM fits, from the bench table (memory_figures)."""
    figures = memory_figures()
    lines = ["| Board | PSRAM | Heap at start | Install | Only a real board can confirm |",
             "|---|---|---|---|---|"]
    for name, p in sorted(BOARDS.items()):
        if p["psram"]:
            heap = "MBs (%s PSRAM)" % p["psram"]
            how = "`leanclip flash` (.mpy files): RAM is not the limit"
            confirm = "that the build from micropython.org enables the PSRAM"
        else:
            heap = "~%d KB, growing in pieces" % START_HEAP_KIB[p["chip"]]
            how = ("**frozen image** (manifest_esp32.py): %s; .mpy files (`leanclip flash` "
                   "alone) %s, so the heap must grow that far"
                   % (_fits(figures["frozen"]), _fits(figures["mpy"])))
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
