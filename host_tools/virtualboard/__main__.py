"""`python -m host_tools.virtualboard` (`make sim`): run a virtual board until Ctrl-C."""
import argparse
import signal
import sys
import time

from .board import CHIP_ARCH, VirtualBoard


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m host_tools.virtualboard", description=__doc__)
    parser.add_argument("--dir", default="build/sim-board", help="the board's filesystem root")
    parser.add_argument("--baud", type=int, default=115200, help="link speed (0: unthrottled)")
    parser.add_argument("--heap", default="1M", help="MicroPython heap size")
    parser.add_argument("--chip", default="esp32", choices=sorted(CHIP_ARCH),
                        help="the chip it reports (sets the .mpy arch flash compiles for)")
    args = parser.parse_args(argv)
    board = VirtualBoard(args.dir, baud=args.baud, heap=args.heap, chip=args.chip).start()
    print("virtual board on %s (filesystem %s, %d baud); Ctrl-C stops it"
          % (board.port, board.board_dir, args.baud), flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        board.stop()
        print("bytes to host %d, from host %d" % (board.to_host.bytes, board.from_host.bytes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
