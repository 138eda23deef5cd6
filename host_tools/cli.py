"""`leanclip`: one command table, each entry a module with `register(subparsers)`.

A command module adds its arguments to its parser and sets `func(args) -> int | None`; a
`UserError` it raises becomes one stderr line and exit status 2. Only the chosen command's module
is imported, so `leanclip --help` stays fast and one command's heavy imports (matplotlib,
esptool) never slow or break another.
"""
import argparse
import importlib
import sys

from .errors import UserError

# name -> (module, one-line help). Order is the order shown in --help.
COMMANDS = {
    "simulate": ("host_tools.simulate.command", "write IMU.csv and truth.csv for a scripted run"),
    "replay": ("host_tools.replay", "run an IMU.csv through the firmware pipeline"),
    "timeline": ("host_tools.timeline", "print when a replay buzzed and why; plot lean"),
    "export": ("host_tools.export", "a session log as CSV or JSON (recovering damaged files)"),
    "report": ("host_tools.report", "running, cadence, lean, good band, alerts, trend; PNG + HTML"),
    "plan-demo": ("host_tools.plandemo", "a training plan on simulated sessions; learning curve"),
    "flash": ("host_tools.flash", "compile and copy the firmware to a board (only what changed)"),
    "logs": ("host_tools.logs_cmd", "list, pull (verified, resumable) and delete sessions on a board"),
    "live": ("host_tools.live", "show lean, cadence and state from the running board"),
    "config": ("host_tools.config_cmd", "show or set the board's settings (checked against the schema)"),
    "doctor": ("host_tools.doctor", "check port, MicroPython, flash space, IMU, motor, battery"),
    "install-micropython": ("host_tools.install_mp", "write a MicroPython image onto the chip (esptool)"),
}


def build_parser(chosen):
    parser = argparse.ArgumentParser(
        prog="leanclip", description="LeanClip, the clip-on running-form trainer: host tools.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module).register(p)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(chosen).parse_args(argv)
    try:
        status = args.func(args)
    except UserError as e:
        print("leanclip %s: %s" % (args.command, e), file=sys.stderr)
        return e.exit_status
    except KeyboardInterrupt:
        print("leanclip %s: interrupted" % args.command, file=sys.stderr)
        return 130
    return status or 0


if __name__ == "__main__":
    sys.exit(main())
