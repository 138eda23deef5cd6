"""Keeps the generated parts of hardware/README.md (BOMs, driver values, battery table, the
pelvis pod's bus) equal to what the scripts compute, so the numbers a maker reads are the
numbers the code produces.

A generated block sits between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`; the text
around the blocks is written by hand.

    .venv/bin/python -m hardware.readme        # rewrite the blocks in place (make hardware)
"""
import sys
from pathlib import Path

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


def power_markdown():
    return "```\n$ .venv/bin/python -m hardware.power_budget\n```\n\n%s\n\n%s" % (
        power_budget.table(), power_budget.assumptions())


def blocks():
    """NAME -> generated markdown."""
    out = {"bom-%s" % letter: bom_markdown(letter) for letter in sorted(parts.BUILDS)}
    out["bom-pod"] = _bom_table(parts.POD_BOM)
    out["pelvis-bus"] = i2c_bus.markdown()
    out["overview"] = overview_markdown()
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
