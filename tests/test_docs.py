"""The docs that describe the config must describe the config that exists."""
import re
from pathlib import Path

import pytest

from firmware.core.config import SCHEMA

ROOT = Path(__file__).resolve().parent.parent


def test_every_config_key_is_documented_with_its_default():
    text = (ROOT / "docs" / "config.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line.split("|")[2].strip()
            for line in text.splitlines() if line.startswith("| `")}
    assert set(rows) == set(SCHEMA)
    for key, (default, _, _, _) in SCHEMA.items():
        want = str(default).lower() if isinstance(default, bool) else str(default)
        assert rows[key] == want, key


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text().splitlines()[:12]
    assert any("make demo" in line for line in head) and any("make test" in line for line in head)


def _tree_modules(section):
    """The .py names docs/architecture.md lists under `section/` in its tree (up to the next
    directory at the same depth)."""
    lines = (ROOT / "docs" / "architecture.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  %s/ " % section))
    names = set()
    for line in lines[start + 1:]:
        if not line.startswith("    "):  # the next directory (or the end of the tree)
            break
        names.update(re.findall(r"\b(\w+)\.py\b", line[:21]))  # the name column only
    return names


def _host_tools_modules():
    """Every .py name in the tree's host_tools/ block (its first word on each line)."""
    lines = (ROOT / "docs" / "architecture.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("host_tools/ "))
    names = set()
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        names.update(re.findall(r"^\s+(\w+)\.py\b", line))
        names.update(re.findall(r"; (\w+)\.py:", line))
    return names


def test_architecture_lists_every_host_tools_module_and_command():
    here = ROOT / "host_tools"
    files = [*here.glob("*.py"), *(here / "commands").glob("*.py")]
    on_disk = {p.stem for p in files} - {"__init__"}
    listed = _host_tools_modules()
    assert listed - on_disk == set(), "listed in docs/architecture.md but absent"
    assert on_disk - listed == set(), "modules missing from docs/architecture.md"


@pytest.mark.parametrize("section", ["core", "device"])
def test_architecture_lists_exactly_the_modules_that_exist(section):
    on_disk = {p.stem for p in (ROOT / "firmware" / section).glob("*.py")} - {"__init__"}
    listed = _tree_modules(section)
    assert listed - on_disk == set(), "listed in docs/architecture.md but absent"
    assert on_disk - listed == set(), "modules missing from docs/architecture.md"
