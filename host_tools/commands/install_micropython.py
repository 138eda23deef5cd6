"""`leanclip install-micropython --firmware FILE.bin`: put MicroPython itself onto the chip, the
step before `leanclip flash`, through esptool's Python API (esptool.cmds). FILE.bin is the image
from micropython.org or one a maker built with the firmware frozen in (manifest_esp32.py).

Why check the image first: the classic mistake is an ESP32-S3 image on an ESP32 (or the reverse)
at the wrong offset; the board then boot-loops with nothing on the serial console to say why.
The image header names its chip (the extended header's chip id), and the offset comes from the
board profiles (0x1000 on the ESP32, 0x0 on the S3 and C3), so both are checked before erasing,
and so is that the file is a whole image, not the application part of a build alone.
"""
import struct
from pathlib import Path

import serial
from esptool import cmds
from esptool.targets import CHIP_DEFS
from esptool.util import FatalError

from firmware.device.boards import BOARDS

from ..device import find_port
from ..errors import UserError

IMAGE_MAGIC = 0xE9
PARTITION_TABLE = 0x8000  # where ESP-IDF puts it in flash; its entries start with AA 50
PARTITION_MAGIC = b"\xaa\x50"
# chip (as boards.py names it) -> where its MicroPython image goes, from the profiles.
OFFSETS = {p["chip"]: p["image_offset"] for p in BOARDS.values()}


def image_chip(data, name):
    """The chip an ESP firmware image was built for (boards.py spelling)."""
    if len(data) < 24 or data[0] != IMAGE_MAGIC:
        raise UserError("%s is not an ESP32 firmware image (download the .bin for your board "
                        "from micropython.org/download)" % name)
    chip_id = struct.unpack_from("<H", data, 12)[0]
    for key, chip in CHIP_DEFS.items():
        if key in OFFSETS and chip.IMAGE_CHIP_ID == chip_id:
            return key
    raise UserError("%s is for a chip LeanClip does not support (image chip id %d)"
                    % (name, chip_id))


def check_whole_image(data, name, offset):
    """A whole image (bootloader, partition table, application), as micropython.org serves and as
    a custom build leaves in ports/esp32/build-BOARD/firmware.bin, has the partition table at
    0x8000 in flash. The application alone (micropython.bin in the same folder) starts with the
    same magic byte, and written at the bootloader's offset it leaves a board that never boots."""
    at = PARTITION_TABLE - offset
    if data[at:at + 2] != PARTITION_MAGIC:
        raise UserError("%s is not a whole image (no partition table at 0x%x): for a MicroPython "
                        "you built, use build-BOARD/firmware.bin, not micropython.bin"
                        % (name, PARTITION_TABLE))


def read_image(firmware):
    """(bytes, chip) of a firmware file, checked before any board is looked for: a typo in
    the file name is the first thing to say, not "no board found"."""
    path = Path(firmware)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UserError("cannot read %s: %s" % (firmware, e.strerror)) from None
    want = image_chip(data, path.name)
    check_whole_image(data, path.name, OFFSETS[want])
    return data, want


def install(port, firmware, tool=cmds, out=print):
    """Detect the chip, check the image is for it, erase, write at the chip's offset, reset.
    `port` None: the one attached board, looked for once the file is known good. `tool`:
    esptool.cmds, or a fake with the same functions (tests)."""
    path = Path(firmware)
    data, want = read_image(firmware)
    port = port or find_port()
    try:
        esp = tool.detect_chip(port)
    except (FatalError, serial.SerialException, OSError) as e:
        raise UserError("no ESP chip answers on %s (%s): hold BOOT while pressing RESET, then "
                        "try again" % (port, str(e).splitlines()[0])) from None
    chip = esp.CHIP_NAME.lower().replace("-", "")
    if chip != want:
        raise UserError("the chip on %s is an %s but %s is for an %s: download the %s image"
                        % (port, esp.CHIP_NAME, path.name, CHIP_DEFS[want].CHIP_NAME,
                           esp.CHIP_NAME))
    offset = OFFSETS[chip]
    out("%s on %s: erasing, then writing %s (%d bytes) at 0x%x"
        % (esp.CHIP_NAME, port, path.name, len(data), offset))
    try:
        esp = tool.run_stub(esp)
        tool.erase_flash(esp)
        tool.write_flash(esp, [(offset, data)])
        tool.reset_chip(esp, "hard-reset")
    except (FatalError, serial.SerialException, OSError) as e:
        raise UserError("writing failed (%s): the chip is erased; run this again"
                        % str(e).splitlines()[0]) from None
    out("MicroPython written; next: leanclip flash --board NAME")


def register(parser):
    parser.add_argument("--firmware", required=True, metavar="FILE.bin",
                        help="the MicroPython image for your board (micropython.org/download), "
                             "or build-BOARD/firmware.bin of a MicroPython you built with "
                             "LeanClip frozen in (docs/device.md)")
    parser.add_argument("-p", "--port", help="serial port (default: the one attached board)")
    parser.set_defaults(func=run)


def run(args):
    install(args.port, args.firmware)
    return 0
