"""Logos as the portal keeps and serves them: decoded and written again, so only pixels survive.

A file that merely starts like an image (a PNG header followed by HTML or script, a "polyglot") or that
carries metadata (EXIF with a location) is never stored as sent: Pillow decodes it, and the pixels are
encoded anew in the same format (JPEG stays JPEG, everything else becomes PNG). What does not decode as a
PNG, JPEG, GIF or WebP image is refused. The served content type then follows from those bytes.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_SIDE = 4096  # pixels; a logo is small, and a decompression bomb is not decoded at all


class NotAnImage(ValueError):
    pass


def reencoded(data: bytes) -> tuple[bytes, str]:
    """(bytes, media type) of the image in ``data`` written anew; :class:`NotAnImage` otherwise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                if image.width > MAX_SIDE or image.height > MAX_SIDE:
                    raise NotAnImage("too many pixels")
                image.load()
                as_jpeg = image.format == "JPEG"
                pixels = image.convert("RGB") if as_jpeg else _for_png(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise NotAnImage(str(error)) from None
    except Image.DecompressionBombWarning as error:
        raise NotAnImage(str(error)) from None
    out = io.BytesIO()
    if as_jpeg:
        pixels.save(out, format="JPEG", quality=90)
        return out.getvalue(), "image/jpeg"
    pixels.save(out, format="PNG", optimize=True)
    return out.getvalue(), "image/png"


def _for_png(image: Image.Image) -> Image.Image:
    if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        return image.copy()
    return image.convert("RGBA")
