"""The firmware frozen into the image by manifest.py (the path for boards without PSRAM, docs/
device.md "Memory"), on the ESP32 model built with it (tests/esp32model.py): the board holds
only /boot.py, /main.py and its JSON files, and a run boots, calibrates, buzzes on the upright
spell and logs, in the heap an ESP32 starts with (56 KB) plus the simulated world's."""
import shutil

import apprig
import pytest
import upy
from apprig import on_intervals

from host_tools.simulate.simulator import simulate, write

FROZEN = upy.frozen_model()
RUN = [{"do": "stand", "s": 5}, {"do": "walk", "s": 10}, {"do": "run", "s": 40, "lean_deg": 7},
       {"do": "run", "s": 20, "lean_deg": 1.5, "fault": "upright"}]
UPRIGHT_FROM_MS = 55000


@pytest.mark.skipif(FROZEN is None, reason=upy.model_status())
def test_the_frozen_image_boots_coaches_and_logs(tmp_path):
    sim = tmp_path / "sim"
    write(sim, *simulate(RUN, rate_hz=100, seed=4))
    lib = apprig.build_lib(tmp_path / "lib", FROZEN)
    shutil.rmtree(lib.path / "firmware")  # on the board only the entry points: the rest is frozen
    b = apprig.Board(lib, tmp_path / "board", "xiao-esp32s3")
    r = b.boot({"csv": str(sim / "imu.csv")}, 80000)
    assert r["ended"] == "end" and not r["wdt_starved"] and b.errors() == ""
    on = on_intervals(r["pwm"]["motor"])
    assert on[0][0] < 200  # stand tall at power-on
    upright = [iv for iv in on if iv[0] >= UPRIGHT_FROM_MS]
    assert upright and UPRIGHT_FROM_MS + 3000 <= upright[0][0] <= UPRIGHT_FROM_MS + 6000
    (s,) = b.sessions()
    assert [e[1] for e in s.events if e[1] == "buzz_upright"]


@pytest.mark.skipif(FROZEN is None, reason=upy.model_status())
def test_the_image_holds_the_marker_leanclip_flash_looks_for(tmp_path):
    """`leanclip flash` tells a frozen image by importing leanclip_frozen (manifest.py freezes
    it); the stock interpreter, like a stock board, has no such module."""
    script = tmp_path / "marker.py"
    script.write_text("import leanclip_frozen\nprint(leanclip_frozen.__file__)\n")
    assert FROZEN.run(script, tmp_path).split() == ["leanclip_frozen.py"]
    model = upy.interpreters()[-1]
    with pytest.raises(AssertionError, match="ImportError"):
        model.run(script, tmp_path)
