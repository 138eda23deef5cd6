"""/main.py on the board: start the app unless boot.py chose safe mode."""
if __name__ == "__main__":
    from firmware.device import startup

    if not startup.safe_mode:
        from firmware.device import modules

        del startup
        modules.forget()  # boot.py's profiles and config schema out of the heap before the app
        from firmware.device import app

        app.run()
