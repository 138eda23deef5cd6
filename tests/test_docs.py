"""The docs that describe the config must describe the config that exists."""
from pathlib import Path

from firmware.core.config import SCHEMA

ROOT = Path(__file__).resolve().parent.parent


def test_every_config_key_is_documented_with_its_default():
    text = (ROOT / "docs" / "config.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line.split("|")[2].strip()
            for line in text.splitlines() if line.startswith("| `")}
    assert set(rows) == set(SCHEMA)
    for key, (default, _, _, _) in SCHEMA.items():
        assert rows[key] == (str(default).lower() if isinstance(default, bool) else str(default)), key


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text().splitlines()[:12]
    assert any("make demo" in line for line in head) and any("make test" in line for line in head)
