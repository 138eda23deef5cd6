"""The config file's bytes -> a value, identically on the device and on the host.

Why not each side's `json.loads`: they disagree. MicroPython's accepts `{"a" 1}`, `[1 2]`,
`01`, `1.`, `"\\x"` and trailing commas; CPython's refuses those but accepts `NaN` and
`Infinity`, and both recurse without limit (a deeply nested file is a RecursionError or a
MemoryError) and read any size. So the same file could coach with a setting on the board that
`leanclip flash` refuses, or the other way round. This parser is the one grammar for both:
strict JSON (RFC 8259) plus one kindness, a trailing comma before `}` or `]` (what a hand edit
leaves, and what boards have always accepted), with bounded size, depth and number length, and
only numbers finite in single precision (an ESP32's floats). It never raises on content: every
problem is one message with its line.

Runs on MicroPython: scans bytes (indexing a non-ASCII str is slow there), recursion bounded by
MAX_DEPTH, no regex.
"""
from .compat import const

MAX_BYTES = const(16384)  # the whole schema with every key set is ~2 KB
MAX_DEPTH = const(8)
_MAX_NUMBER_CHARS = const(40)
_MAX_INT_DIGITS = const(15)  # beyond this an integer is a big heap object on the device
# Single precision holds 1.18e-38 to 3.40e38 (normal); round limits a little inside, so that a
# number at the very edge, which an ESP32's parser may round either way, is refused on both sides
_FLOAT32_MAX = 3.4e38
_FLOAT32_MIN = 1.2e-38
_ESCAPES = {0x22: '"', 0x5C: "\\", 0x2F: "/", 0x62: "\b", 0x66: "\f", 0x6E: "\n", 0x72: "\r",
            0x74: "\t"}
_WS = b" \t\r\n"


def _nonzero(number):
    """True if a number's text has a non-zero digit before its exponent."""
    for c in number:
        if c in "eE":
            return False
        if "1" <= c <= "9":
            return True
    return False


class _Bad(Exception):
    pass


def parse(data):
    """(value, None), or (None, one-line message) if `data` (bytes or str) is not a config
    text: too large, not UTF-8, not JSON, nested deeper than MAX_DEPTH, a number that is not
    finite or too long."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_BYTES:
        return None, "larger than %d bytes" % MAX_BYTES
    p = _Parser(bytes(data))
    try:
        p.ws()
        value = p.value(0)
        p.ws()
        if p.i < len(p.b):
            p.fail("text after the end")
    except _Bad as e:
        return None, e.args[0]
    return value, None


class _Parser:
    def __init__(self, b):
        self.b = b
        self.i = 0

    def fail(self, what):
        line = self.b[:self.i].count(b"\n") + 1
        col = self.i - (self.b.rfind(b"\n", 0, self.i) + 1) + 1
        raise _Bad("%s at line %d column %d" % (what, line, col))

    def ws(self):
        b = self.b
        while self.i < len(b) and b[self.i] in _WS:
            self.i += 1

    def peek(self):
        return self.b[self.i] if self.i < len(self.b) else -1

    def value(self, depth):
        c = self.peek()
        if c == 0x7B:  # {
            return self.container(depth, 0x7D)
        if c == 0x5B:  # [
            return self.container(depth, 0x5D)
        if c == 0x22:
            return self.string()
        if c == 0x2D or 0x30 <= c <= 0x39:
            return self.number()
        for word, v in ((b"true", True), (b"false", False), (b"null", None)):
            if self.b[self.i:self.i + len(word)] == word:
                self.i += len(word)
                return v
        if c < 0:
            self.fail("end of text")
        self.fail("unexpected %r" % chr(c) if 0x20 < c < 0x7F else "unexpected byte 0x%02x" % c)

    def container(self, depth, close):
        """An object (close `}`) or an array (close `]`); a trailing comma is allowed."""
        if depth >= MAX_DEPTH:
            self.fail("nested deeper than %d" % MAX_DEPTH)
        obj = close == 0x7D
        out = {} if obj else []
        self.i += 1
        self.ws()
        if self.peek() == close:
            self.i += 1
            return out
        while True:
            if obj:
                if self.peek() != 0x22:
                    self.fail("expected a \"key\"")
                key = self.string()
                self.ws()
                if self.peek() != 0x3A:
                    self.fail("expected ':'")
                self.i += 1
                self.ws()
                out[key] = self.value(depth + 1)
            else:
                out.append(self.value(depth + 1))
            self.ws()
            c = self.peek()
            if c == close:
                self.i += 1
                return out
            if c != 0x2C:
                self.fail("expected ',' or %r" % chr(close))
            self.i += 1
            self.ws()
            if self.peek() == close:  # the trailing comma
                self.i += 1
                return out

    def string(self):
        b = self.b
        self.i += 1
        parts = []
        start = self.i
        while True:
            if self.i >= len(b):
                self.fail("unterminated string")
            c = b[self.i]
            if c == 0x22:
                break
            if c < 0x20:
                self.fail("control character in a string")
            if c != 0x5C:
                self.i += 1
                continue
            parts.append(self.utf8(start, self.i))
            e = b[self.i + 1] if self.i + 1 < len(b) else -1
            if e in _ESCAPES:
                parts.append(_ESCAPES[e])
                self.i += 2
            elif e == 0x75:  # \uXXXX, outside the surrogates (keys and values are plain text)
                digits = b[self.i + 2:self.i + 6]
                code = -1
                if len(digits) == 4 and all(d in b"0123456789abcdefABCDEF" for d in digits):
                    code = int(digits.decode(), 16)
                if code < 0 or 0xD800 <= code <= 0xDFFF:
                    self.fail("bad \\u escape")
                parts.append(chr(code))
                self.i += 6
            else:
                self.fail("bad escape")
            start = self.i
        parts.append(self.utf8(start, self.i))
        self.i += 1
        return "".join(parts)

    def utf8(self, start, end):
        try:
            return self.b[start:end].decode("utf-8")
        except UnicodeError:
            self.i = start
            self.fail("text that is not UTF-8")

    def number(self):
        b = self.b
        start = self.i
        if self.peek() == 0x2D:
            self.i += 1
        if self.peek() == 0x30:
            self.i += 1
        elif not self.digits():
            self.fail("bad number")
        whole = True
        if self.peek() == 0x2E:
            self.i += 1
            whole = False
            if not self.digits():
                self.fail("bad number")
        if self.peek() in (0x65, 0x45):  # e E
            self.i += 1
            whole = False
            if self.peek() in (0x2B, 0x2D):
                self.i += 1
            if not self.digits():
                self.fail("bad number")
        text = b[start:self.i].decode()
        if len(text) > _MAX_NUMBER_CHARS or (whole and len(text.lstrip("-")) > _MAX_INT_DIGITS):
            self.i = start
            self.fail("number too long")
        if whole:
            return int(text)
        x = float(text)
        # inf (1e400; NaN cannot be written in this grammar), or beyond single precision: inf
        # or 0 on an ESP32 (1e39, 1e-300), so the host refuses what the board cannot hold
        if x - x != 0 or abs(x) > _FLOAT32_MAX or (abs(x) < _FLOAT32_MIN and _nonzero(text)):
            self.i = start
            self.fail("number out of range")
        return x

    def digits(self):
        start = self.i
        while 0x30 <= self.peek() <= 0x39:
            self.i += 1
        return self.i > start
