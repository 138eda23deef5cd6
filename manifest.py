# The LeanClip firmware frozen into a MicroPython image: bytecode and constant strings then live
# in flash, not in the heap (docs/device.md, "Frozen firmware"). Freezes firmware/ (the package
# `leanclip flash` otherwise installs as .mpy under /lib/firmware) and the marker module
# leanclip_frozen, by which `leanclip flash` knows not to install the .mpy files as well;
# /boot.py and /main.py stay on the filesystem, as `leanclip flash` puts them. CI builds the
# ESP32 model with this file (tests/esp32model.py); an ESP32 image takes it through
# manifest_esp32.py.
# (package() and module() are defined by MicroPython's manifest tool)
# ruff: noqa: F821
package("firmware")
module("leanclip_frozen.py")
