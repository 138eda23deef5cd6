"""Sleeping until the runner comes back: the button, or motion where the IMU's INT line reaches
a wake pin. Deep sleep where the pins can wake the chip from it (the board reboots on wake);
light sleep otherwise (AtomS3's button), polled, after which the app starts afresh.

Its own module, imported when the board goes to sleep: most sessions never get here, and as
.mpy its code would otherwise sit in the heap all run (docs/device.md, "Memory")."""
try:
    import machine
except ImportError:  # CPython imports this module only to read it (host tools, docs)
    machine = None

from ..core.compat import const

WAKE_MOTION_MG = const(200)
LIGHT_SLEEP_POLL_MS = const(500)  # a press held this long wakes a light-sleeping board


def sleep_until_woken(hw, profile, wdt):
    """Sleep; returns after a light sleep's wake (a deep sleep never returns)."""
    int_pin = profile["imu"].get("int_pin")
    motion = None
    if int_pin is not None and hw.imu.wake_on_motion(WAKE_MOTION_MG):
        motion = machine.Pin(int_pin, machine.Pin.IN)
    if hw.pod is not None:  # the pelvis pod: not ~1 mA all night (pod.Pod.sleep)
        hw.pod.sleep(WAKE_MOTION_MG)
    from .pinrules import wakes_from_deep_sleep  # 9 KB of rules, for this moment only

    if wakes_from_deep_sleep(profile, profile["button"]["pin"]) and (
            motion is None or wakes_from_deep_sleep(profile, int_pin)):
        _arm_deep_wake(hw.button, hw.pressed_level, motion)
        machine.deepsleep()
    # polled: a press held LIGHT_SLEEP_POLL_MS wakes it (docs/device.md)
    while not hw.pressed() and not (motion is not None and motion.value()):
        machine.lightsleep(LIGHT_SLEEP_POLL_MS)
        if wdt is not None:
            wdt.feed()

def _arm_deep_wake(button, pressed_level, motion):
    """ESP32/S3: ext0 for the button, ext1 for the IMU's INT (active high). Chips without ext0
    (C3) take the wake through Pin.irq(wake=DEEPSLEEP) (GPIO0-5)."""
    try:
        import esp32
    except ImportError:  # not an ESP32 (the unix port in tests)
        return
    if hasattr(esp32, "wake_on_ext0"):
        level = esp32.WAKEUP_ANY_HIGH if pressed_level else esp32.WAKEUP_ALL_LOW
        esp32.wake_on_ext0(button, level)
        if motion is not None:
            esp32.wake_on_ext1((motion,), esp32.WAKEUP_ANY_HIGH)
        return
    edge = machine.Pin.IRQ_RISING if pressed_level else machine.Pin.IRQ_FALLING
    button.irq(trigger=edge, wake=machine.DEEPSLEEP)
    if motion is not None:
        motion.irq(trigger=machine.Pin.IRQ_RISING, wake=machine.DEEPSLEEP)
