"""The two pins that matter before anything else is loaded: the power latch and the button.

Kept apart from hardware.py so that boot.py reaches them without importing any driver: on a
board with a power latch every millisecond before the pin goes high is a millisecond the
runner must keep the power key down.
"""
try:
    import machine
except ImportError:  # CPython imports this module only to read it (host tools, docs)
    machine = None


def hold_power(profile):
    """Boards with a power latch (M5StickC Plus2: GPIO4) switch off the moment the firmware
    stops holding it, so this runs first thing at boot."""
    hold = profile.get("power_hold")
    if hold:
        machine.Pin(hold["pin"], machine.Pin.OUT, value=1)


def open_button(profile):
    """(pin, level when pressed)."""
    b = profile["button"]
    pull = {"up": machine.Pin.PULL_UP, "down": machine.Pin.PULL_DOWN}.get(b["pull"])
    return machine.Pin(b["pin"], machine.Pin.IN, pull), 0 if b["active_low"] else 1
