"""Hardware-free logic: no `machine`, no `time`, no I/O. Time arrives as sample counts and ms."""
