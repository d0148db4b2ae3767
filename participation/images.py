"""Uploaded pictures, made safe once: the one pipeline every app uses (process
header images today, proposal photos next).

:func:`process_image` takes what a person uploaded and gives back new bytes
decoded and re-encoded by Pillow, or refuses with ``Invalid`` (a translated
message, code and field):

- at most ``IMAGE_UPLOAD_MAX_BYTES`` read, never more;
- only JPEG, PNG and WebP, recognised by their content (the name and the
  browser's content type are not believed);
- at most ``IMAGE_MAX_PIXELS`` pixels, checked from the header *before* any pixel
  is decoded, and Pillow's decompression-bomb guard turned into a refusal;
- turned upright by its EXIF orientation, then drawn into a fresh image so that
  nothing of the original file survives (EXIF with its GPS position, XMP,
  comments, colour profiles, trailing data);
- scaled down to ``IMAGE_MAX_SIDE`` pixels on its longer side, and written as
  JPEG (or PNG when it has transparency).

:func:`store_image` writes the result through ``default_storage`` under a random
name of our own.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from participation.errors import Invalid

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
JPEG_QUALITY = 85


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def size(self) -> int:
        return len(self.content)


def _refusal(message: Any, code: str, field: str) -> Invalid:
    return Invalid(message, code=code, field_errors={field: [code]})


def read_limited(upload: IO[bytes] | Any, limit: int) -> bytes | None:
    """At most ``limit`` bytes of an upload, or None when it holds more."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    return None if len(data) > limit else data


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def process_image(upload: IO[bytes] | Any, *, field: str = "image") -> ProcessedImage:
    """The upload decoded, checked and re-encoded (see the module's docstring)."""
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    max_pixels = settings.IMAGE_MAX_PIXELS
    data = read_limited(upload, max_bytes)
    if data is None:
        raise _refusal(
            _("The picture is too large: at most %(mb)s MB, please.")
            % {"mb": _megabytes(max_bytes)},
            "image_too_large",
            field,
        )
    not_an_image = _refusal(
        _("This file is not a picture we can read. Please upload a JPEG, PNG or WebP."),
        "not_an_image",
        field,
    )
    too_many_pixels = _refusal(
        _("The picture has too many pixels: at most %(mp)d megapixels, please.")
        % {"mp": max_pixels // 1_000_000},
        "image_too_many_pixels",
        field,
    )
    with warnings.catch_warnings():
        # Pillow warns past MAX_IMAGE_PIXELS and raises past twice that: both refuse.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as original:
                if original.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                width, height = original.size
                if width < 1 or height < 1:
                    raise not_an_image
                if width * height > max_pixels:
                    raise too_many_pixels
                original.load()
                upright = ImageOps.exif_transpose(original)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise not_an_image from None
    return _reencode(upright)


def _reencode(image: Image.Image) -> ProcessedImage:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    converted = image.convert(mode)
    converted.thumbnail(
        (settings.IMAGE_MAX_SIDE, settings.IMAGE_MAX_SIDE), Image.Resampling.LANCZOS
    )
    # A fresh image holds the pixels and nothing else (no info, no EXIF, no ICC).
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        clean.save(
            out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
        content_type, extension = "image/jpeg", "jpg"
    return ProcessedImage(
        content=out.getvalue(),
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
    )


def store_image(image: ProcessedImage, *, directory: str) -> str:
    """Save the processed picture through ``default_storage`` under a random name
    in ``directory``; return the stored name."""
    name = f"{directory.strip('/')}/{uuid.uuid4().hex}.{image.extension}"
    return default_storage.save(name, ContentFile(image.content))


CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


def content_type_of(name: str) -> str:
    """The type of a stored picture, from the extension *we* gave it."""
    return CONTENT_TYPES.get(
        name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
    )
