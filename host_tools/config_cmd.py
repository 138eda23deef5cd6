"""`leanclip config show | set KEY VALUE`: the board's settings (/leanclip.json), always checked
against the one schema (firmware/core/config.py) before anything is written, so a typo is
refused here with a hint instead of being replaced by a default on the board."""
import argparse
import json

from firmware.core import config as schema
from firmware.device.devconfig import CONFIG_PATH

from .cli import add_action
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


def keys(only=None, out=print):
    """Each key (or just `only`, if it is one) with its default, range and meaning: what
    `config set` can change."""
    width = max(len(k) for k in schema.SCHEMA)
    for key, (default, lo, hi, meaning) in schema.SCHEMA.items():
        if only in schema.SCHEMA and key != only:
            continue
        span = "true/false" if lo is None else "%s..%s" % (json.dumps(lo), json.dumps(hi))
        out("%-*s  %-8s %-14s %s" % (width, key, json.dumps(default), span, meaning))


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
    add_action(sub, "show", "every setting, * marks the ones changed from the default",
               parents=[common])
    p = add_action(sub, "set", "change one setting (checked against the schema); with no "
                   "KEY, list the keys", parents=[common])
    p.add_argument("key", nargs="?", metavar="KEY")
    p.add_argument("value", nargs="?", metavar="VALUE")
    parser.set_defaults(func=run)


def run(args):
    if args.action == "set" and args.value is None:  # asked before any board is looked for
        keys(args.key)
        raise UserError("name a KEY (above) and a VALUE, e.g. leanclip config set fault_hold_s 4"
                        if args.key is None else "give %s a VALUE (its line is above)"
                        % args.key)
    with Device(args.port, args.baud) as device:
        if args.action == "show":
            show(device)
        else:
            value = set_value(device, args.key, args.value)
            print("%s = %s: takes effect when the board restarts" % (args.key, json.dumps(value)))
    return 0
