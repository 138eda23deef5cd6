"""`python docs/screenshots/trim.py PNG...`: cut a headless-Chromium screenshot (taken with a
tall window, since --screenshot cannot size to the page) at the end of the page's content and
reduce it to 256 colours, so the checked-in images stay small. Used by `make screenshots`."""
import sys

from PIL import Image, ImageOps

MARGIN_PX = 16

for path in sys.argv[1:]:
    img = Image.open(path).convert("RGB")
    box = ImageOps.invert(img.convert("L")).getbbox()  # the non-white part
    if box:
        img = img.crop((0, 0, img.width, min(img.height, box[3] + MARGIN_PX)))
    img.quantize(256).save(path, optimize=True)
    print("%s: %dx%d" % (path, img.width, img.height))
