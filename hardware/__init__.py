"""Hardware tooling: wiring tables and diagrams generated from the firmware's board profiles, the
motor driver calculation and the power budget. Dev tools for the docs, not part of the installed
product: run them from the repository root (`make hardware`, `python -m hardware.power_budget`)."""
