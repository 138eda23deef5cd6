"""`make bench`: figures, not pass/fail. Accuracy over simulated runs, cost on MicroPython."""
import sys


def first_seed(argv, bench_first):
    """The first seed of a set of runs from a bench's command line (`python -m bench.robustness
    1300`): a held-out set, drawn the same way as the bench's own from other seeds, so a
    figure is not only ever measured on the seeds the estimator was developed against. No
    argument: bench_first, the bench's own set. Bad input: one line and exit status 2."""
    if not argv:
        return bench_first
    try:
        first = int(argv[0])
    except ValueError:
        first = -1
    if len(argv) > 1 or first < bench_first:
        print("usage: FIRST_SEED, an integer >= %d (got %s)" % (bench_first, " ".join(argv)),
              file=sys.stderr)
        sys.exit(2)
    return first
