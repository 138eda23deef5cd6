"""/main.py on the board: start the app unless boot.py chose safe mode."""
if __name__ == "__main__":
    from firmware.device import startup

    if not startup.safe_mode:
        del startup  # held here, it would keep the profiles and the config schema in the heap
        from firmware.device import app

        app.run()
