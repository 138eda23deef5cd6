"""The serial link's speed limit: a UART moves baud/10 bytes a second (8N1), so the virtual board
paces every chunk to that rate and counts what crossed, which is what the benchmark reports."""
import time


class Link:
    """One direction of the wire. `baud=0` means unthrottled."""

    def __init__(self, baud):
        self.baud = baud
        self.bytes = 0
        self._free_at = 0.0

    def chunk_size(self):
        """Bytes per pacing step: about 5 ms of wire time, so pacing stays smooth."""
        if not self.baud:
            return 4096
        return max(16, self.baud // 10 // 200)

    def pace(self, n):
        """Block until `n` more bytes would have left the wire, then count them."""
        self.bytes += n
        if not self.baud:
            return
        now = time.monotonic()
        self._free_at = max(self._free_at, now) + n * 10.0 / self.baud
        delay = self._free_at - now
        if delay > 0:
            time.sleep(delay)
