"""Runs ON the ESP32 model (bench/imports.py starts it): imports the module named in argv[1]
with the firmware as .mpy files, and prints, per firmware module imported, the heap it kept
(bytes live after its import, less what the modules it imported kept): its bytecode,
constants, qstrs not yet interned, globals. Prints "MODULE <name> <own bytes> <with imports>"
in the order the imports finished, then "TOTAL <bytes>" and MicroPython's qstr pool line."""
import builtins
import gc
import micropython
import sys

NAME = sys.argv[1]
_import = builtins.__import__
own = []  # a stack of [name, live before, children's bytes]
done = []  # (name, own bytes, bytes with what it imported)


def measured(name, globals=None, locals=None, fromlist=(), level=0):
    """__import__, counting the heap of each module loaded for the first time."""
    key = name
    if level and globals is not None:
        pkg = globals["__name__"]
        if not globals.get("__path__"):  # a module: its package is its parent
            pkg = pkg.rpartition(".")[0]
        for _ in range(level - 1):
            pkg = pkg.rpartition(".")[0]
        key = pkg + ("." + name if name else "")
    names = fromlist if isinstance(fromlist, tuple) else ()  # MicroPython may pass a bool
    fresh = []
    for sub in [key] + ["%s.%s" % (key, f) for f in names]:
        if sub not in sys.modules:
            fresh.append(sub)
    if not fresh:
        return _import(name, globals, locals, fromlist, level)
    gc.collect()
    own.append([",".join(fresh), gc.mem_alloc(), 0])
    try:
        return _import(name, globals, locals, fromlist, level)
    finally:
        gc.collect()
        mod, before, children = own.pop()
        total = gc.mem_alloc() - before
        loaded = [m for m in mod.split(",") if m in sys.modules]
        if loaded:
            done.append((",".join(loaded), total - children, total))
        if own:
            own[-1][2] += total


builtins.__import__ = measured
gc.collect()
start = gc.mem_alloc()
__import__(NAME)
gc.collect()
for name, mine, total in done:
    print("MODULE %s %d %d" % (name, mine, total))
print("TOTAL %d" % (gc.mem_alloc() - start))
micropython.qstr_info()
