"""`python -m host_tools.virtualboard` (`make sim`): run a virtual board until Ctrl-C."""
import argparse
import signal
import sys
import time

from firmware.device.boards import BOARDS

from ..errors import UserError
from ..replay_input import load_imu_csv
from .board import VirtualBoard


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m host_tools.virtualboard", description=__doc__)
    parser.add_argument("--dir", default="build/sim-board", help="the board's filesystem root")
    parser.add_argument("--baud", type=int, default=115200, help="link speed (0: unthrottled)")
    parser.add_argument("--heap", default="1M", help="MicroPython heap size")
    parser.add_argument("--flash-kb", type=int, default=2048, help="filesystem size (writes "
                        "beyond it fail with ENOSPC, as on a full board)")
    parser.add_argument("--board", default="m5stickc-plus2", choices=sorted(BOARDS),
                        help="the board profile it models (chips wired, chip reported)")
    parser.add_argument("--run", metavar="IMU_CSV", help="feed the IMU this simulated run "
                        "(leanclip simulate's imu.csv); default: lying still")
    parser.add_argument("--run-hz", type=int, help="play --run as if the IMU sampled at this "
                        "rate (default: the chip's own rate, so the run plays in real time, "
                        "whatever rate it was recorded at)")
    args = parser.parse_args(argv)
    if args.run:
        try:
            load_imu_csv(args.run)  # a bad file is one line here, not a traceback on the board
        except UserError as e:
            parser.exit(2, "%s: %s\n" % (parser.prog, e))
    board = VirtualBoard(args.dir, baud=args.baud, board=args.board, run_csv=args.run,
                         run_hz=args.run_hz, heap=args.heap, flash_kb=args.flash_kb).start()
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
