"""/main.py on the board: start the app unless boot.py chose safe mode."""
if __name__ == "__main__":
    from firmware.device import startup

    if not startup.safe_mode:
        # Start-up in two phases that do not share the heap (docs/device.md, "Memory"): the
        # board's files are read with boot's modules, which are then forgotten and collected,
        # and only then is the app imported.
        import gc

        settings = startup.settings()
        del startup
        from firmware.device import modules

        modules.forget(empty=True)
        del modules
        gc.collect()
        # room for the pipeline's state, kept free while the app's modules load into the holes
        # boot's modules left: its two largest blocks (the table of its ~160 attributes, 1,016 B
        # and then 1,336 B) were more than the fragmented heap had in 110 KiB (docs/device.md)
        room = [bytearray(4608)]
        from firmware.device import app

        app.run(settings=settings, room=room)
