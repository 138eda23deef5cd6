"""The firmware parts that touch a real board: the loop, the controls and the board profiles.

Profiles (boards.py) and pin rules (pinrules.py) are plain data with no `machine` import, so the
host tools, the hardware docs generator and the tests read the same tables the device boots from.
"""
