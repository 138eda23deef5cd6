"""Read config texts (hex, one per line, from the file in argv[1]) the way the device does, and
print one canonical line per text: what configtext made of it, and the config devconfig.load
ends up running with. Runs on MicroPython and CPython alike, so the two outputs must be equal."""
import struct
import sys

try:
    from binascii import hexlify, unhexlify
except ImportError:
    from ubinascii import hexlify, unhexlify

from firmware.core import configtext
from firmware.device import devconfig


def norm(v):
    """A canonical text for a parsed value (dict order, float digits and str repr differ
    between the two interpreters; this does not)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):  # at single precision, what an ESP32 holds (the model computes in it)
        if v != v:
            return "nan"
        if abs(v) >= 3.4028235e38:
            return "inf" if v > 0 else "-inf"
        return "f" + hexlify(struct.pack("<f", v)).decode()
    if isinstance(v, str):
        return "s" + hexlify(v.encode()).decode()
    if isinstance(v, list):
        return "[" + ",".join(norm(x) for x in v) + "]"
    return "{" + ",".join(sorted(norm(k) + ":" + norm(v[k]) for k in v)) + "}"


def main(corpus, scratch):
    with open(corpus) as texts:  # streamed: the corpus is larger than a board's heap
        for line in texts:
            data = unhexlify(line.rstrip("\n")[1:])  # "x" first: an empty text is a line too
            value, problem = configtext.parse(data)
            with open(scratch, "wb") as f:
                f.write(data)
            cfg, problems = devconfig.load(scratch)
            print("%s|%s|%s|%d" % (norm(value), problem, norm(cfg), len(problems)))


main(sys.argv[1], sys.argv[2])
