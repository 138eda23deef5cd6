"""firmware/core/compat.py's tick arithmetic: the same answers as the modular definition (what
`time.ticks_add/diff` do on the device), and on MicroPython no heap at the wrap, which a 32-bit
port (the ESP32 model) would spend on a big int if the sum left the small-int range."""
import random

from firmware.core.compat import TICKS_PERIOD, ticks_add, ticks_diff

HALF = TICKS_PERIOD // 2
EDGES = [0, 1, 2, HALF - 1, HALF, HALF + 1, TICKS_PERIOD - 2, TICKS_PERIOD - 1]


def _cases():
    rnd = random.Random(13)
    ticks = EDGES + [rnd.randrange(TICKS_PERIOD) for _ in range(300)]
    deltas = [0, 1, -1, HALF - 1, -HALF, -(HALF - 1)] + [rnd.randrange(-HALF, HALF)
                                                         for _ in range(300)]
    return ticks, deltas


def test_the_same_as_the_modular_definition():
    ticks, deltas = _cases()
    for t in ticks:
        for d in deltas:
            assert ticks_add(t, d) == (t + d) % TICKS_PERIOD, (t, d)
        for u in ticks:
            assert ticks_diff(t, u) == (t - u + HALF) % TICKS_PERIOD - HALF, (t, u)


UPY = """
import micropython
from firmware.core.compat import ticks_add, ticks_diff
MAX = 0x3FFFFFFF
HALF = 1 << 29
ticks = (0, 1, HALF - 1, HALF, MAX - 1, MAX)
deltas = (0, 1, -1, 20000, -20000, HALF - 1, -HALF)


def run():
    total = 0
    for i in range(len(ticks)):
        for j in range(len(deltas)):
            total ^= ticks_add(ticks[i], deltas[j])
        for j in range(len(ticks)):
            total ^= ticks_diff(ticks[i], ticks[j])
    return total


total = run()
micropython.heap_lock()
total = run()
micropython.heap_unlock()
print("OK", total)
"""


def test_no_heap_at_the_wrap_on_micropython(tmp_path, interp):
    tree = interp.compile_firmware(tmp_path / "lib")
    script = tmp_path / "ticks.py"
    script.write_text(UPY)
    out = interp.run(script, tree).split()
    assert out[0] == "OK"  # heap_lock() turns any allocation into a MemoryError
