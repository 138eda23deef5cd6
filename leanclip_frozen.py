"""Frozen into a MicroPython image with the firmware (manifest.py), and put nowhere else: a board
that can import it runs the firmware from flash, so `leanclip flash` copies no .mpy files to it
(they would only shadow nothing and take flash: .frozen comes before /lib on sys.path) and
removes any an earlier flash left (docs/device.md, section 9)."""
