# FROZEN_MANIFEST for an ESP32, ESP32-S3 or ESP32-C3 MicroPython image with LeanClip frozen in:
#   make -C ports/esp32 BOARD=ESP32_GENERIC_S3 FROZEN_MANIFEST=/path/to/leanclip/manifest_esp32.py
# (docs/device.md, "Frozen firmware"). The port's own frozen modules come first: without them
# the image has no _boot.py to mount the filesystem.
# (include() is defined by MicroPython's manifest tool)
# ruff: noqa: F821
include("$(PORT_DIR)/boards/manifest.py")
include("manifest.py")
