"""A virtual LeanClip board: a real MicroPython interpreter behind a pseudo-terminal that talks
like an ESP32's USB serial, so mpremote and leanclip can be proven without hardware."""
from .board import VirtualBoard

__all__ = ["VirtualBoard"]
