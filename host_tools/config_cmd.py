"""`leanclip config show | set KEY VALUE`: the board's settings (/leanclip.json), always checked
against the one schema (firmware/core/config.py) before anything is written, so a typo is
refused here with a hint instead of being replaced by a default on the board."""
import argparse
import json

from firmware.core import config as schema
from firmware.device.devconfig import CONFIG_PATH

from .device import Device, add_port_args
from .errors import UserError


def device_config(device):
    """The board's config as stored ({} when it has none)."""
    raw = device.read_small_file(CONFIG_PATH)
    if raw is None:
        return {}
    try:
        user = json.loads(raw)
    except ValueError:
        raise UserError("the config on the board (%s) is not valid JSON: replace it with "
                        "`leanclip flash --config FILE`" % CONFIG_PATH) from None
    return user


def config_bytes(user_cfg, source):
    """The validated, complete config as the board reads it; the first problem is refused."""
    cfg, errors = schema.validate(user_cfg)
    if errors:
        raise UserError("%s: %s" % (source, errors[0]))
    return (json.dumps(cfg, sort_keys=True, indent=1) + "\n").encode()


def parse_value(text):
    """Command-line text as JSON (4.5, true, 3); anything else stays text for the schema to
    refuse with its own message."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def show(device, out=print):
    cfg, errors = schema.validate(device_config(device))
    width = max(len(k) for k in schema.SCHEMA)
    for key, (default, _, _, meaning) in schema.SCHEMA.items():
        changed = "*" if cfg[key] != default else " "
        out("%s %-*s = %-8s %s" % (changed, width, key, json.dumps(cfg[key]), meaning))
    for message in errors:
        out("warning: %s (the board uses the default)" % message)


def set_value(device, key, text):
    user = device_config(device)
    user[key] = parse_value(text)
    data = config_bytes(user, "%s=%s" % (key, text))
    device.write_file(CONFIG_PATH, data)
    return json.loads(data)[key]


def register(parser):
    common = argparse.ArgumentParser(add_help=False)
    add_port_args(common)
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    sub.add_parser("show", parents=[common],
                   help="every setting, * marks the ones changed from the default")
    p = sub.add_parser("set", parents=[common],
                       help="change one setting (checked against the schema)")
    p.add_argument("key")
    p.add_argument("value")
    parser.set_defaults(func=run)


def run(args):
    with Device(args.port, args.baud) as device:
        if args.action == "show":
            show(device)
        else:
            value = set_value(device, args.key, args.value)
            print("%s = %s: takes effect when the board restarts" % (args.key, json.dumps(value)))
    return 0
