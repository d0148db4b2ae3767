"""participation.images: the one pipeline for uploaded pictures."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from participation import images
from participation.errors import Invalid
from tests.spaces.files import image_bytes


def test_jpeg_is_reencoded_without_its_exif():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0132] = "2026:01:01 10:00:00"  # DateTime
    source = image_bytes(exif=exif.tobytes())
    assert b"SecretCam" in source
    result = images.process_image(io.BytesIO(source))
    assert result.content_type == "image/jpeg"
    assert b"SecretCam" not in result.content
    with Image.open(io.BytesIO(result.content)) as out:
        assert not out.getexif()


def test_orientation_is_applied_before_the_metadata_goes():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise
    result = images.process_image(
        io.BytesIO(image_bytes((80, 40), exif=exif.tobytes()))
    )
    assert (result.width, result.height) == (40, 80)


def test_transparent_png_stays_png():
    result = images.process_image(
        io.BytesIO(image_bytes((10, 10), fmt="PNG", mode="RGBA"))
    )
    assert result.content_type == "image/png" and result.extension == "png"


def test_large_pictures_are_scaled_down(settings):
    settings.IMAGE_MAX_SIDE = 50
    result = images.process_image(io.BytesIO(image_bytes((200, 100))))
    assert (result.width, result.height) == (50, 25)


def test_too_many_bytes_are_refused(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 100
    with pytest.raises(Invalid) as caught:
        images.process_image(io.BytesIO(image_bytes((64, 64))))
    assert caught.value.code == "image_too_large"


def test_too_many_pixels_are_refused_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1000
    with pytest.raises(Invalid) as caught:
        images.process_image(io.BytesIO(image_bytes((100, 100), fmt="PNG")))
    assert caught.value.code == "image_too_many_pixels"


def test_decompression_bomb_is_refused(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 10**9
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(Invalid) as caught:
        images.process_image(io.BytesIO(image_bytes((100, 100), fmt="PNG")))
    assert caught.value.code == "image_bomb"


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.4 not a picture",
        b"",
    ],
)
def test_what_is_not_a_picture_is_refused(data):
    with pytest.raises(Invalid) as caught:
        images.process_image(io.BytesIO(data), field="photo")
    assert caught.value.code == "image_unreadable"
    assert caught.value.field_errors == {"photo": ["image_unreadable"]}


def test_formats_outside_the_list_are_refused():
    with pytest.raises(Invalid):
        images.process_image(io.BytesIO(image_bytes((10, 10), fmt="GIF", mode="P")))


def test_truncated_jpeg_is_refused():
    data = image_bytes((300, 300))
    with pytest.raises(Invalid):
        images.process_image(io.BytesIO(data[: len(data) // 3]))
