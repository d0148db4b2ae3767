"""Uploads for the tests of process setup: PDFs, pictures, and impostors."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def pdf_bytes(extra: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        + extra
        + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def pdf_upload(name: str = "計画案.pdf", data: bytes | None = None):
    return SimpleUploadedFile(
        name, pdf_bytes() if data is None else data, "application/pdf"
    )


def image_bytes(
    size: tuple[int, int] = (64, 48), fmt: str = "JPEG", mode: str = "RGB", **save
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 120, 40) if mode == "RGB" else None).save(
        out, format=fmt, **save
    )
    return out.getvalue()


def image_upload(name: str = "header.jpg", data: bytes | None = None):
    return SimpleUploadedFile(name, data or image_bytes(), "image/jpeg")
