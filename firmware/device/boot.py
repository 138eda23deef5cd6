"""/boot.py on the board: before anything else, keep the power on and look for SAFE MODE
(button held at boot: the app is skipped, so the board can always be reflashed)."""
if __name__ == "__main__":
    try:
        from firmware.device import startup

        startup.check()
    except Exception as e:  # a broken firmware tree must still leave a usable REPL
        print("boot.py:", repr(e))
