"""The benches' held-out seed sets (`python -m bench.robustness 1300`): bad input is one line
and exit status 2."""
import subprocess
import sys

import pytest

from bench import first_seed


def test_no_argument_is_the_bench_own_set_and_a_number_is_a_held_out_set():
    assert first_seed([], 1000) == 1000
    assert first_seed(["1300"], 1000) == 1300


@pytest.mark.parametrize("argv", [["x"], ["999"], ["1300", "1400"]])
def test_bad_first_seed_is_one_line_and_status_2(argv):
    r = subprocess.run([sys.executable, "-m", "bench.robustness"] + argv,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "FIRST_SEED" in r.stderr
