"""Logos: only pixels are kept, so a file that is also HTML (a polyglot) is never stored as sent."""

import io

import pytest
from PIL import Image

from portal_partners.domain.logos import NotAnImage, reencoded

HTML = b"<html><script>alert(document.cookie)</script></html>"


def image(kind: str, size=(8, 8), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if kind in ("PNG", "WEBP") else "RGB", size, (11, 92, 173)).save(out, format=kind, **save)
    return out.getvalue()


@pytest.mark.parametrize(("kind", "media_type"), [("PNG", "image/png"), ("GIF", "image/png"), ("WEBP", "image/png")])
def test_images_are_written_anew_as_png(kind, media_type):
    data, served = reencoded(image(kind))
    assert served == media_type and Image.open(io.BytesIO(data)).size == (8, 8)


def test_a_jpeg_stays_a_jpeg_without_its_metadata():
    exif = Image.Exif()
    exif[0x010E] = "secret location"  # ImageDescription
    original = image("JPEG", exif=exif.tobytes())
    data, served = reencoded(original)
    assert served == "image/jpeg" and b"secret location" in original and b"secret location" not in data


def test_an_image_with_html_after_it_keeps_only_the_image():
    data, served = reencoded(image("PNG") + HTML)
    assert served == "image/png" and HTML not in data and b"<script" not in data


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + HTML,  # an image header, then HTML
        b"GIF89a" + HTML,
        b"\xff\xd8\xff\xe0" + b"\x00" * 64,
        b"<svg onload=alert(1)>",
    ],
)
def test_what_only_looks_like_an_image_is_refused(data):
    with pytest.raises(NotAnImage):
        reencoded(data)


def test_a_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(NotAnImage):
        reencoded(image("PNG", size=(5000, 10)))
