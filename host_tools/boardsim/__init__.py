"""Hardware models for tests and the virtual board: a fake `machine` module and register-level
models of the chips LeanClip talks to.

Everything here also runs on the MicroPython unix port (plain classes, `%` formatting, relative
imports only), because the virtual board runs the real firmware there with this package on
MICROPYPATH and a one-line `machine.py` that re-exports `host_tools.boardsim.machine`.
"""
