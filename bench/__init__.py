"""`make bench`: figures, not pass/fail. Accuracy over simulated runs, cost on MicroPython."""
