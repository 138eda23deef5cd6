"""/main.py on the board: start the app unless boot.py chose safe mode."""
if __name__ == "__main__":
    from firmware.device import startup

    if not startup.safe_mode:
        # not held here: App() forgets boot's profiles and config schema once built (and App()
        # needs them, so they are not forgotten before: a .mpy install peaks while it builds)
        del startup
        from firmware.device import app

        app.run()
