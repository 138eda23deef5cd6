"""The README followed literally (issue 15 item 8): every command in its code blocks is a make
target that exists, the activation that puts `leanclip` on PATH, or a `leanclip` command line
the CLI accepts exactly as written. (The board commands were also run on the virtual board;
a real board is the one thing a test here cannot plug in.)"""
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from host_tools import cli

ROOT = Path(__file__).resolve().parent.parent


def _commands():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```\n(.*?)```", text, flags=re.S)
    blocks += re.findall(r"(?:^    .*\n)+", text, flags=re.M)
    out = []
    for block in blocks:
        for line in block.splitlines():
            line = line.strip()
            if line.startswith(("make ", "leanclip ", ". ")):
                out.append(shlex.split(line, comments=True))
    return out


COMMANDS = _commands()


def test_the_readme_has_commands_to_check():
    firsts = {c[0] for c in COMMANDS}
    assert {"make", "leanclip", "."} <= firsts and len(COMMANDS) >= 8


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_each_readme_command_works_as_written(argv):
    if argv[0] == "make":
        proc = subprocess.run(["make", "-n", "-C", str(ROOT), *argv[1:]], capture_output=True,
                              text=True)
        assert proc.returncode == 0, proc.stderr
    elif argv[0] == ".":
        # the activation script `make venv` made; with it, `leanclip` is on PATH
        assert argv[1] == ".venv/bin/activate"
        assert (Path(sys.prefix) / "bin" / "activate").exists()
        assert (Path(sys.prefix) / "bin" / "leanclip").exists()
    else:
        try:
            args = cli.build_parser(argv[1] if len(argv) > 1 else None).parse_args(argv[1:])
        except SystemExit as stop:
            assert stop.code == 0, argv  # --version / --help end here, successfully
            return
        assert callable(args.func)


def test_make_venv_and_demo_say_how_to_get_leanclip_on_path():
    for target in ("venv", "demo"):
        proc = subprocess.run(["make", "-n", "-B", "-C", str(ROOT), target],
                              capture_output=True, text=True)
        assert ". .venv/bin/activate" in proc.stdout, target
