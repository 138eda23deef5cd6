"""Live bytes per imported module on the ESP32 model, the firmware installed as .mpy files
(`leanclip flash`'s path): what each module keeps in the heap once imported (its bytecode,
constants, the qstrs it is first to intern, its globals), less what the modules it imports
keep. bench/imports_upy.py runs on the model. docs/device.md, "Memory".

    python -m bench.imports [MODULE]       # default firmware.device.app (what main.py imports)
"""
import sys
import tempfile
from pathlib import Path

from tests import esp32model, upy

HERE = Path(__file__).resolve().parent


def measure(module):
    """([(module, own bytes, bytes with its imports)], total bytes, qstr pool line)."""
    model = upy._model("board", "esp32 model", "1M")
    with tempfile.TemporaryDirectory() as d:
        tree = model.compile_firmware(Path(d) / "fw")
        out = model.run(HERE / "imports_upy.py", tree, module)
    rows, total, qstrs = [], None, ""
    for line in out.splitlines():
        parts = line.split()
        if parts[:1] == ["MODULE"]:
            rows.append((parts[1], int(parts[2]), int(parts[3])))
        elif parts[:1] == ["TOTAL"]:
            total = int(parts[1])
        elif line.startswith("qstr pool"):
            qstrs = line
    return rows, total, qstrs


def main(argv=()):
    if len(argv) > 1:
        print("usage: python -m bench.imports [MODULE]", file=sys.stderr)
        raise SystemExit(2)
    module = argv[0] if argv else "firmware.device.app"
    print("## Live bytes per imported module (bench/imports.py)\n")
    if not esp32model.built("board"):
        print("ESP32 model not built (`make esp32model`)\n")
        return
    try:
        rows, total, qstrs = measure(module)
    except AssertionError as e:  # (upy.run: the run failed) bad input: one line, status 2
        said = str(e).strip().splitlines()
        print("bench.imports: cannot import %s on the model: %s" % (module, said[-1]),
              file=sys.stderr)
        raise SystemExit(2) from None
    print("`import %s` on the ESP32 model, .mpy files; own = kept by the module itself, "
          "less its imports'.\n" % module)
    print("| module | own | with its imports |")
    print("|---|---|---|")
    for name, own, with_imports in sorted(rows, key=lambda r: -r[1]):
        print("| %s | %.1f KB | %.1f KB |" % (name, own / 1024, with_imports / 1024))
    print("\nTotal %.1f KB; %s" % (total / 1024, qstrs))


if __name__ == "__main__":
    main(sys.argv[1:])
