"""A fake `machine` module: the subset of the MicroPython API LeanClip's firmware uses, backed by
models instead of silicon (https://docs.micropython.org/en/latest/library/machine.html).

Buses and pins are shared per id, as on a chip: two `I2C(0)` objects talk to the same devices.
The test side wires the board up with the module functions (`attach`, `drive`, `set_adc_uv`,
`set_clock`; `unplug`/`replug` pull a cable mid-run) and reads back what the firmware did
(`pwm_timeline`, `pin_level`, `sleeps`, `wdt_starved`).
"""
import errno

from .clock import WallClock

# Constants as on the ESP32 port.
PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5

_state = {"clock": WallClock(), "reset_cause": PWRON_RESET, "freq": 160000000}
_buses = {}  # I2C id -> {address: model}
_pins = {}  # pin id -> _PinState
_pwm_timelines = {}  # pin id -> [(t_ms, duty_u16)]
_adc_uv = {}  # pin id -> microvolts at the pin
_wdts = []
sleeps = []  # ("light" | "deep", t_ms, ms)


# -- test-side wiring -------------------------------------------------------------------------
def set_clock(clock):
    """Use `clock` (e.g. clock.ManualClock) for PWM timelines, the WDT and sleeps."""
    _state["clock"] = clock


def clock():
    return _state["clock"]


def attach(bus_id, address, model):
    """Put `model` (anything with read_into(reg, buf) and write(reg, data)) on I2C bus `bus_id`."""
    _buses.setdefault(bus_id, {})[address] = model


def detach(bus_id, address):
    _buses.get(bus_id, {}).pop(address, None)


class _Unplugged:
    """What stands at an address whose cable was pulled: every transfer fails with `err`, and a
    scan does not list it (nothing ACKs the address)."""

    def __init__(self, model, err):
        self.model = model
        self.err = err


def unplug(bus_id, address, err=errno.ENODEV):
    """Pull the cable of the device at `address` mid-run. `err` is the OSError the bus then
    raises: ENODEV (the default) is the ESP32 port's answer when nobody ACKs the address; EIO
    (a byte NACKed) or ETIMEDOUT (a line held low) stand for a connector coming loose
    mid-transfer."""
    _buses[bus_id][address] = _Unplugged(_buses[bus_id][address], err)


def replug(bus_id, address):
    """Plug it back in: the chip was unpowered, so it starts from its reset values."""
    gone = _buses[bus_id][address]
    gone.model.reset()
    _buses[bus_id][address] = gone.model


def set_reset_cause(cause):
    _state["reset_cause"] = cause


def drive(pin_id, level):
    """An external signal (a button) pulls pin `pin_id` to `level`; fires its irq on an edge."""
    _pin(pin_id).external(level)


def pin_level(pin_id):
    return _pin(pin_id).level()


def pwm_timeline(pin_id):
    """[(t_ms, duty_u16)] of every duty change on the pin, deinit recorded as duty 0."""
    return _pwm_timelines.get(pin_id, [])


def set_adc_uv(pin_id, microvolts):
    _adc_uv[pin_id] = microvolts


def wdt_starved():
    """True if a started watchdog went longer than its timeout without a feed: the real chip
    would have reset."""
    return any(w.starved() for w in _wdts)


def reset_all(clock=None):
    """Forget every bus, pin, timeline and watchdog; use `clock` from now on (default: wall-clock
    time). Tests call it before and after each case."""
    _buses.clear()
    _pins.clear()
    _pwm_timelines.clear()
    _adc_uv.clear()
    del _wdts[:]
    del sleeps[:]
    _state["reset_cause"] = PWRON_RESET
    _state["clock"] = clock or WallClock()


def _now_ms():
    return _state["clock"].ticks_ms()


def _pin_id(pin):
    return pin.id if isinstance(pin, Pin) else pin


# -- I2C --------------------------------------------------------------------------------------
class I2C:
    """Register reads and writes go to the attached model; an empty address fails the way the
    ESP32 port does when nobody ACKs: OSError(ENODEV)."""

    def __init__(self, id=0, scl=None, sda=None, freq=400000, timeout=50000):
        self.id = id
        self.scl = scl
        self.sda = sda
        self.freq = freq
        self._devices = _buses.setdefault(id, {})

    def _device(self, addr):
        model = self._devices.get(addr)
        if model is None:
            raise OSError(errno.ENODEV)
        if isinstance(model, _Unplugged):
            raise OSError(model.err)
        return model

    def scan(self):
        return sorted([a for a in self._devices if not isinstance(self._devices[a], _Unplugged)])

    def readfrom_mem_into(self, addr, memaddr, buf, addrsize=8):
        self._device(addr).read_into(memaddr, buf)

    def readfrom_mem(self, addr, memaddr, nbytes, addrsize=8):
        buf = bytearray(nbytes)
        self.readfrom_mem_into(addr, memaddr, buf)
        return bytes(buf)

    def writeto_mem(self, addr, memaddr, buf, addrsize=8):
        self._device(addr).write(memaddr, buf)

    def writeto(self, addr, buf, stop=True):
        """First byte sets the register pointer, the rest are written from there."""
        model = self._device(addr)
        if len(buf):
            model.write(buf[0], memoryview(buf)[1:])
        return len(buf)

    def readfrom_into(self, addr, buf, stop=True):
        model = self._device(addr)
        model.read_into(model.pointer, buf)

    def readfrom(self, addr, nbytes, stop=True):
        buf = bytearray(nbytes)
        self.readfrom_into(addr, buf)
        return bytes(buf)


SoftI2C = I2C


# -- Pin --------------------------------------------------------------------------------------
class _PinState:
    def __init__(self):
        self.mode = -1
        self.pull = None
        self.out = 0
        self.ext = None  # level driven from outside, None = floating
        self.handler = None
        self.trigger = 0

    def level(self):
        if self.mode == Pin.OUT:
            return self.out
        if self.ext is not None:
            return self.ext
        return 1 if self.pull == Pin.PULL_UP else 0

    def external(self, level):
        before = self.level()
        self.ext = level
        after = self.level()
        if self.handler is not None and before != after:
            edge = Pin.IRQ_RISING if after else Pin.IRQ_FALLING
            if self.trigger & edge:
                self.handler(Pin(self._id))


def _pin(pin_id):
    state = _pins.get(pin_id)
    if state is None:
        state = _pins[pin_id] = _PinState()
        state._id = pin_id
    return state


class Pin:
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 2
    PULL_DOWN = 1
    IRQ_RISING = 1
    IRQ_FALLING = 2
    WAKE_LOW = 4
    WAKE_HIGH = 5

    def __init__(self, id, mode=-1, pull=-1, value=None):
        self.id = id
        self._s = _pin(id)
        self.init(mode, pull, value)

    def init(self, mode=-1, pull=-1, value=None):
        if mode != -1:
            self._s.mode = mode
        if pull != -1:
            self._s.pull = pull
        if value is not None:
            self._s.out = 1 if value else 0

    def value(self, v=None):
        if v is None:
            return self._s.level()
        self._s.out = 1 if v else 0

    def on(self):
        self._s.out = 1

    def off(self):
        self._s.out = 0

    def __call__(self, v=None):
        return self.value(v)

    def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, wake=None):
        self._s.handler = handler
        self._s.trigger = trigger


# -- PWM, ADC ---------------------------------------------------------------------------------
class PWM:
    def __init__(self, dest, freq=None, duty_u16=None, duty_ns=None):
        self.pin = _pin_id(dest)
        self._freq = 5000
        self._duty = 0
        self._timeline = _pwm_timelines.setdefault(self.pin, [])
        if freq is not None:
            self.freq(freq)
        if duty_u16 is not None:
            self.duty_u16(duty_u16)

    def freq(self, value=None):
        if value is None:
            return self._freq
        if not 1 <= value <= 40000000:
            raise ValueError("frequency must be from 1Hz to 40MHz")
        self._freq = value

    def duty_u16(self, value=None):
        if value is None:
            return self._duty
        if not 0 <= value <= 65535:
            raise ValueError("duty_u16 must be from 0 to 65535")
        if value != self._duty or not self._timeline:
            self._timeline.append((_now_ms(), value))
        self._duty = value

    def deinit(self):
        if self._duty:
            self._timeline.append((_now_ms(), 0))
        self._duty = 0


class ADC:
    ATTN_0DB = 0
    ATTN_2_5DB = 1
    ATTN_6DB = 2
    ATTN_11DB = 3
    _FULL_SCALE_UV = (950000, 1250000, 1750000, 3100000)  # ESP32 input range per attenuation

    def __init__(self, pin, atten=ATTN_0DB):
        self.pin = _pin_id(pin)
        self._atten = atten

    def atten(self, atten):
        self._atten = atten

    def read_uv(self):
        return min(_adc_uv.get(self.pin, 0), self._FULL_SCALE_UV[self._atten])

    def read_u16(self):
        return self.read_uv() * 65535 // self._FULL_SCALE_UV[self._atten]


# -- WDT, power, identity ---------------------------------------------------------------------
class WDT:
    def __init__(self, id=0, timeout=5000):
        self.timeout_ms = timeout
        self._last = _now_ms()
        self._worst = 0
        _wdts.append(self)

    def feed(self):
        now = _now_ms()
        self._worst = max(self._worst, now - self._last)
        self._last = now

    def starved(self):
        return max(self._worst, _now_ms() - self._last) > self.timeout_ms


class DeepSleep(BaseException):
    """Raised by deepsleep(): on the chip the program ends there and the board reboots."""


def deepsleep(ms=0):
    sleeps.append(("deep", _now_ms(), ms))
    raise DeepSleep(ms)


def lightsleep(ms=0):
    sleeps.append(("light", _now_ms(), ms))
    clk = _state["clock"]
    if ms and hasattr(clk, "advance_ms"):
        clk.advance_ms(ms)


def reset_cause():
    return _state["reset_cause"]


def unique_id():
    return b"\x24\x0a\xc4\x00\x1e\x57"


def freq(hz=None):
    if hz is None:
        return _state["freq"]
    _state["freq"] = hz


def idle():
    pass


def disable_irq():
    return 0


def enable_irq(state=0):
    pass


class RTC:
    """The real-time clock: `leanclip flash`, `logs` and `live` set it from the host. Here the
    interpreter's time.time() already runs on the host's clock, so only the last setting is
    kept (for tests to read back)."""

    _datetime = (2000, 1, 1, 5, 0, 0, 0, 0)

    def datetime(self, value=None):
        if value is None:
            return RTC._datetime
        RTC._datetime = tuple(value)
