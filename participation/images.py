"""Uploaded images → safe, small files. The only module that decodes user images:
proposal photos (``reencode``) and process header images (``process_image`` and
``store_image``, the same pipeline with the setup pages' limit and field name).

``reencode(uploaded_file)`` reads what a person sent (JPEG, PNG, WebP, or HEIC/HEIF
from a phone), refuses anything that is not one of those, too large in bytes or in
pixels, or a decompression bomb, and returns a NEW file drawn from the decoded
pixels only: turned upright from the EXIF orientation, converted to sRGB, scaled
down to ``IMAGE_MAX_SIDE`` and encoded again (JPEG, or PNG when the image has
transparency). Nothing of the original file survives: no EXIF (GPS position,
camera serial, time taken), no XMP, no comments, no thumbnails, no trailing bytes.

Every refusal is ``participation.errors.Invalid`` with a translated message, so a
door answers 400 and nothing is stored. Limits come from settings
(``IMAGE_MAX_BYTES``, ``IMAGE_MAX_PIXELS``, ``IMAGE_MAX_SIDE``,
``IMAGE_JPEG_QUALITY``), which read environment variables.

``small_rendition(content)`` draws the small picture the lists' cards show from
a file ``reencode`` made (``IMAGE_SMALL_SIDE``), once, when the photo is stored.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import threading
import uuid
import warnings
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from participation.errors import Invalid

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger("participation.images")

# HEIC/HEIF (iPhone photos) through libheif, when the wheel is installed. Pillow,
# its plugins and libheif are loaded by the first image this process reads
# (_pillow), not at start-up: most requests never touch one, and they are about
# 8 MiB of a server process (deploy/README.md, "Start-up memory").
HEIF_SUPPORTED = importlib.util.find_spec("pillow_heif") is not None

# Pillow's format names of what we accept; the file's name and declared type are
# never believed, only what Pillow recognises in its bytes.
ACCEPTED_FORMATS = frozenset(
    {"JPEG", "PNG", "WEBP"} | ({"HEIF"} if HEIF_SUPPORTED else set())
)
# What the file input offers (the server decides regardless).
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp" + (
    ",image/heic,image/heif,.heic,.heif" if HEIF_SUPPORTED else ""
)
_load_lock = threading.Lock()
_srgb: Any = None


def _pillow() -> None:
    """Load Pillow once per process, with the HEIF opener registered and the sRGB
    profile made; every function here that reads an image calls it first."""
    global _srgb  # noqa: PLW0603 - loaded once per process, on first use
    if _srgb is None:
        with _load_lock:
            if _srgb is None:
                from PIL import ImageCms

                if HEIF_SUPPORTED:
                    import pillow_heif

                    pillow_heif.register_heif_opener()
                _srgb = ImageCms.createProfile("sRGB")


def _invalid(message: Any, code: str, field: str = "image") -> Invalid:
    return Invalid(message, code=code, field_errors={field: [code]})


def _limits() -> tuple[int, int, int, int]:
    return (
        int(settings.IMAGE_MAX_BYTES),
        int(settings.IMAGE_MAX_PIXELS),
        int(settings.IMAGE_MAX_SIDE),
        int(settings.IMAGE_JPEG_QUALITY),
    )


def _size_of(uploaded_file: Any) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is not None:
        return int(size)
    position = uploaded_file.tell()
    uploaded_file.seek(0, io.SEEK_END)
    size = uploaded_file.tell()
    uploaded_file.seek(position)
    return int(size)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels in sRGB: a phone's Display P3 or a CMYK scan would otherwise look
    washed out once its profile is dropped."""
    _pillow()
    from PIL import ImageCms

    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGBA" if "A" in image.getbands() else "RGB"
            converted = ImageCms.profileToProfile(image, source, _srgb, outputMode=mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.info("Unreadable colour profile ignored")
    return image


def _has_alpha(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA"):
        return image.getextrema()[-1][0] < 255  # type: ignore[index]
    return image.mode == "P" and "transparency" in image.info


def reencode(
    uploaded_file: Any, *, field: str = "image", max_bytes: int | None = None
) -> tuple[bytes, int, int, str]:
    """The image in ``uploaded_file`` drawn again as a clean file:
    ``(bytes, width, height, content_type)``. Raises ``Invalid`` (400, the error
    on ``field``) for anything that is not an accepted, reasonably sized image."""
    _pillow()
    from PIL import Image, ImageOps

    default_bytes, max_pixels, max_side, quality = _limits()
    max_bytes = default_bytes if max_bytes is None else max_bytes
    if _size_of(uploaded_file) > max_bytes:
        raise _invalid(
            _("This photo is larger than %(mb)d MB. Please choose a smaller one.")
            % {"mb": max(1, max_bytes // (1024 * 1024))},
            "image_too_large",
            field,
        )
    uploaded_file.seek(0)
    unreadable = _invalid(
        _(
            "This file could not be read as a photo. Please choose a JPEG, PNG, "
            "WebP or HEIC image."
        ),
        "image_unreadable",
        field,
    )
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(uploaded_file)
            if image.format not in ACCEPTED_FORMATS:
                raise unreadable
            # The header says how large the decoded image will be: refuse before
            # any pixel is decoded.
            if image.width * image.height > max_pixels:
                raise _invalid(
                    _(
                        "This photo has too many pixels (at most %(mp)d megapixels). "
                        "Please choose a smaller one."
                    )
                    % {"mp": max(1, max_pixels // 1_000_000)},
                    "image_too_many_pixels",
                    field,
                )
            image.seek(0)  # animated WebP/PNG: the first frame only
            if image.format == "JPEG":
                # Decode at the smallest scale still larger than what is kept
                # (JPEG's DCT scaling): far less memory and time for big photos.
                image.draft(image.mode, (max_side, max_side))
            image.load()
            image = ImageOps.exif_transpose(image) or image
            image = _to_srgb(image)
            alpha = _has_alpha(image)
            image = image.convert("RGBA" if alpha else "RGB")
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        except Invalid:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _invalid(
                _(
                    "This file is not a usable photo (it would expand to an "
                    "enormous image)."
                ),
                "image_bomb",
                field,
            ) from exc
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
            raise unreadable from exc
    # A new image of the pixels alone: nothing of the original's metadata can follow.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if alpha:
        clean.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        clean.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
        content_type = "image/jpeg"
    return out.getvalue(), clean.width, clean.height, content_type


def small_rendition(content: bytes) -> tuple[bytes, int, int, str]:
    """The small rendition of a photo already drawn by :func:`reencode` (its
    bytes, never an upload): at most ``IMAGE_SMALL_SIDE`` pixels a side, in the
    same format (PNG where there is transparency, else JPEG). Made once, when the
    photo is stored; the lists' cards show it. ``(bytes, width, height,
    content_type)``."""
    _pillow()
    from PIL import Image

    side = int(settings.IMAGE_SMALL_SIDE)
    quality = int(settings.IMAGE_JPEG_QUALITY)
    with Image.open(io.BytesIO(content)) as source:
        source.load()
        alpha = source.format == "PNG"
        image = source.convert("RGBA" if alpha else "RGB")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if alpha:
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), image.width, image.height, "image/png"
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue(), image.width, image.height, "image/jpeg"


EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    content_type: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    @property
    def size(self) -> int:
        return len(self.content)


def process_image(upload: IO[bytes] | Any, *, field: str = "image") -> ProcessedImage:
    """An uploaded picture for staff content (a process's header image), through
    :func:`reencode` with the setup pages' limit (``IMAGE_UPLOAD_MAX_BYTES``)."""
    content, width, height, content_type = reencode(
        upload, field=field, max_bytes=int(settings.IMAGE_UPLOAD_MAX_BYTES)
    )
    return ProcessedImage(content, content_type, width, height)


def store_image(image: ProcessedImage, *, directory: str) -> str:
    """Save the processed picture through ``default_storage`` under a random name
    in ``directory``; return the stored name."""
    name = f"{directory.strip('/')}/{uuid.uuid4().hex}.{image.extension}"
    return default_storage.save(name, ContentFile(image.content))


def read_limited(upload: IO[bytes] | Any, limit: int) -> bytes | None:
    """At most ``limit`` bytes of an upload, or None when it holds more."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    return None if len(data) > limit else data


CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


def content_type_of(name: str) -> str:
    """The type of a stored picture, from the extension *we* gave it."""
    return CONTENT_TYPES.get(
        name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
    )
