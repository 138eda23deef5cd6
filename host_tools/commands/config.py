"""`leanclip config show | set KEY VALUE | unset KEY`: the board's settings (/leanclip.json),
always checked against the one schema (firmware/core/config.py) before anything is written, so
a typo is refused here with a hint instead of being replaced by a default on the board.

Config text is read with firmware/core/configtext.py, the parser the board itself uses, so a
file is accepted here exactly when the board accepts it (JSON; a trailing comma allowed).

An entry the board ignores (a key this firmware does not know, a value out of range) never
blocks `flash` or `config set`: the board already runs on the default, so the rewritten file
drops it and says so on stderr. `config unset KEY` removes one entry on purpose: back to the
default, or gone if the key is unknown."""
import argparse
import json
import sys

from firmware.core import config as schema
from firmware.core import configtext
from firmware.device.devconfig import CONFIG_PATH

from ..cli import add_action
from ..device import Device, add_port_args
from ..errors import UserError


def parse_config(data, source):
    """Config file bytes -> the user's dict, as the board would read them; one line if not."""
    user, problem = configtext.parse(data)
    if problem:
        raise UserError("%s is not valid JSON (%s)" % (source, problem))
    if not isinstance(user, dict):
        raise UserError("%s must be a JSON object of key: value" % source)
    return user


def read_config_file(path):
    """A config file on this computer -> the user's dict (not yet validated)."""
    try:
        with open(path, "rb") as f:
            data = f.read(configtext.MAX_BYTES + 1)
    except OSError as e:
        raise UserError("cannot read config %s: %s" % (path, e.strerror or e)) from None
    return parse_config(data, "config %s" % path)


def device_config(device):
    """The board's config as stored ({} when it has none)."""
    raw = device.read_small_file(CONFIG_PATH)
    if raw is None:
        return {}
    return parse_config(raw, "the config on the board (%s)" % CONFIG_PATH)


def config_bytes(user_cfg, source, strict=True,
                 note=lambda line: print(line, file=sys.stderr)):
    """The validated, complete config as the board reads it. strict: the first problem is
    refused; else each entry the board would ignore is dropped with a note."""
    cfg, errors = schema.validate(user_cfg)
    if errors and strict:
        raise UserError("%s: %s" % (source, errors[0]))
    for message in errors:
        note("%s: %s: dropped (the board was using the default)" % (source, message))
    return (json.dumps(cfg, sort_keys=True, indent=1) + "\n").encode()


def parse_value(text):
    """Command-line text as JSON (4.5, true, 3); anything else stays text for the schema to
    refuse with its own message."""
    value, problem = configtext.parse(text)
    return text if problem else value


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


ON_BOARD = "the config on the board"


def set_value(device, key, text):
    value = parse_value(text)
    config_bytes({key: value}, "%s=%s" % (key, text))  # the new entry itself must be good
    user = device_config(device)
    user[key] = value
    data = config_bytes(user, ON_BOARD, strict=False)
    device.write_file(CONFIG_PATH, data)
    return json.loads(data)[key]


def unset(device, key):
    """Remove `key` from the board's config: a known key goes back to its default."""
    user = device_config(device)
    if key not in user:
        raise UserError("%s is not set on the board (`leanclip config show` lists the "
                        "settings)" % key)
    del user[key]
    device.write_file(CONFIG_PATH, config_bytes(user, ON_BOARD, strict=False))


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
    p = add_action(sub, "unset", "remove one setting: its default again (or an unknown key "
                   "gone)", parents=[common])
    p.add_argument("key", metavar="KEY")
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
        elif args.action == "unset":
            unset(device, args.key)
            default = schema.SCHEMA[args.key][0] if args.key in schema.SCHEMA else None
            print("%s removed%s: takes effect when the board restarts"
                  % (args.key, "" if default is None else " (default %s)" % json.dumps(default)))
        else:
            value = set_value(device, args.key, args.value)
            print("%s = %s: takes effect when the board restarts" % (args.key, json.dumps(value)))
    return 0
