"""The loop's clock: a fixed period on absolute deadlines, and the statistics of how well it
kept them.

Why absolute deadlines (ticks_add(deadline, period)) rather than sleep(period): sleeping a
period after the work drifts by the work's duration every iteration; a deadline does not, and a
late iteration is simply followed by a shorter sleep. An iteration later than a whole period is
an overrun: the schedule restarts from now instead of bursting to catch up (the IMU FIFO holds
the samples, so nothing is lost by skipping a tick). Integers only in wait(): it allocates
nothing.
"""
import time


class Ticker:
    def __init__(self, period_us):
        self.period_us = period_us
        self.deadline = time.ticks_add(time.ticks_us(), period_us)
        self.reset_stats()

    def reset_stats(self):
        self.t0_us = time.ticks_us()
        self.ticks = 0
        self.late_max_us = 0
        self.overruns = 0

    def wait(self):
        """Sleep until the next deadline, noting how late it woke."""
        wait_us = time.ticks_diff(self.deadline, time.ticks_us())
        if wait_us > 0:
            time.sleep_us(wait_us)
        now = time.ticks_us()
        late_us = time.ticks_diff(now, self.deadline)
        if late_us > self.late_max_us:
            self.late_max_us = late_us
        if late_us >= self.period_us:
            self.overruns += 1
            self.deadline = now
        self.deadline = time.ticks_add(self.deadline, self.period_us)
        self.ticks += 1

    def rate_hz(self):
        """Iterations per second since reset_stats (a float: for reports, not the loop)."""
        span_us = time.ticks_diff(time.ticks_us(), self.t0_us)
        return self.ticks * 1e6 / span_us if span_us > 0 else 0.0  # float: no big int
