"""LeanClip firmware. The same package runs on the ESP32 (copied to /lib/firmware) and, unchanged,
inside the host tools on CPython. `core` is pure logic; hardware lives in `drivers` and
`device`."""
