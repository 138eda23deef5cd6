"""`leanclip`: one command table, each entry a module with `register(subparsers)`.

A command module adds its arguments to its parser and sets `func(args) -> int | None`; a
`UserError` it raises becomes one stderr line and exit status 2. Only the chosen command's module
is imported, so `leanclip --help` stays fast and one command's heavy imports (matplotlib,
esptool) never slow or break another.
"""
import argparse
import importlib
import os
import sys
from importlib import metadata

from .errors import UserError

# name -> (module under host_tools, one-line help). Order is the order shown in --help.
COMMANDS = {
    "simulate": ("simulate.command", "write IMU.csv and truth.csv for a scripted run"),
    "simulate-pelvis": ("simulate.twoseg_command",
                        "the same with a second IMU on the pelvis (chest + pelvis, issue 17)"),
    "replay": ("commands.replay", "run an IMU.csv through the firmware pipeline"),
    "timeline": ("commands.timeline", "print when a replay buzzed and why; plot lean"),
    "export": ("commands.export", "a session log as CSV or JSON (recovering damaged files)"),
    "report": ("commands.report",
               "running, cadence, lean, good band, alerts, trend; PNG + HTML"),
    "plan-demo": ("commands.plan_demo", "a training plan on simulated sessions; learning curve"),
    "flash": ("commands.flash", "compile and copy the firmware to a board (only what changed)"),
    "logs": ("commands.logs",
             "list, pull (verified, resumable) and delete sessions on a board"),
    "live": ("commands.live", "show lean, cadence and state from the running board"),
    "config": ("commands.config",
               "show or set the board's settings (checked against the schema)"),
    "doctor": ("commands.doctor", "check port, MicroPython, flash space, IMU, motor, battery"),
    "accelcal": ("commands.accelcal",
                 "calibrate the accelerometer once: the board still on each of its 6 faces"),
    "install-micropython": ("commands.install_micropython",
                            "write a MicroPython image onto the chip (esptool)"),
}


def version():
    try:
        return metadata.version("leanclip")
    except metadata.PackageNotFoundError:
        return "unknown (not installed: make venv)"


class _DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """argparse's "(default: X)" after each flag's help, except where there is nothing to
    say (None, False) or the help already words its default ("default: the attached board")."""

    def _get_help_string(self, action):
        if action.default in (None, False) or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def build_parser(chosen):
    parser = argparse.ArgumentParser(
        prog="leanclip", description="LeanClip, the clip-on running-form trainer: host tools.")
    parser.add_argument("--version", action="version", version="leanclip " + version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module, help_text) in COMMANDS.items():
        # every flag's help shows its default (argparse fills it in, so it cannot go stale)
        p = sub.add_parser(name, help=help_text, description=help_text,
                           formatter_class=_DefaultsFormatter)
        if name == chosen:
            importlib.import_module("host_tools." + module).register(p)
    return parser


def add_action(sub, name, help_text, **kw):
    """One ACTION of a command (`logs list`, `config show`): its help is also its --help
    description, and its flags show their defaults, like the commands themselves."""
    return sub.add_parser(name, help=help_text, description=help_text,
                          formatter_class=_DefaultsFormatter, **kw)


def _quiet_broken_pipe():
    """`leanclip report ... | head`: the reader left; stop quietly, as cat does. stdout is
    pointed at devnull so the interpreter's final flush cannot raise again."""
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(chosen).parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()  # a pipe closed after the last write breaks here, not at exit
    except UserError as e:
        print("leanclip %s: %s" % (args.command, e), file=sys.stderr)
        return e.exit_status
    except KeyboardInterrupt:
        print("leanclip %s: interrupted" % args.command, file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_broken_pipe()
        return 141  # 128 + SIGPIPE, what a shell reports for `cat big | head`
    return status or 0


if __name__ == "__main__":
    sys.exit(main())
