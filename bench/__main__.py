"""`make bench`: every section's figures, one after another. Sections are the modules listed
here; each has a main() that prints a markdown section."""
import importlib
import sys
import time

SECTIONS = ("bench.accuracy", "bench.cost", "bench.garbage", "bench.logs", "bench.serial",
            "bench.app_loop", "bench.coaching", "bench.replay_memory", "bench.watch_align",
            "bench.robustness", "bench.accelcal", "bench.real_files", "bench.twoseg",
            "bench.imports", "bench.memory")


def main(argv):
    wanted = argv or SECTIONS
    for name in wanted:
        module = name if name.startswith("bench.") else "bench." + name
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise
            print("(%s: not present)\n" % module)
            continue
        t0 = time.time()
        mod.main()
        print("\n(%s took %.0f s)\n" % (module, time.time() - t0))


if __name__ == "__main__":
    main(sys.argv[1:])
