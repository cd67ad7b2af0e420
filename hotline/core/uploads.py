"""What files the platform accepts (attachments from staff, citizens and channels): type by content, not
by the name or the browser's claim, and size limits. One check used by every interface."""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import File

from .errors import ValidationFailed

# MIME type (as ``filetype`` recognises it by the file's first bytes) -> the extensions that may carry it.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/heic": ("heic",),  # photos from iPhones
    "application/pdf": ("pdf",),
    "audio/mpeg": ("mp3",),
    "audio/mp4": ("m4a",),
    "audio/x-wav": ("wav",),
    "audio/amr": ("amr",),  # call recordings
    "video/mp4": ("mp4",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
}
TEXT_EXTENSIONS = ("txt", "csv")


def max_file_bytes() -> int:
    return int(getattr(settings, "HOTLINE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "HOTLINE_UPLOAD_MAX_FILES", 10))


@dataclass(frozen=True)
class CheckedFile:
    file: File  # type: ignore[type-arg]
    name: str
    content_type: str
    size: int


def check_upload(upload: File, name: str | None = None) -> CheckedFile:  # type: ignore[type-arg]
    """The file if the platform accepts it, else ``ValidationFailed`` saying why."""
    name = (name or upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    size = upload.size or 0
    if size <= 0:
        raise ValidationFailed(f"{name} is empty.", code="file_empty")
    if size > max_file_bytes():
        raise ValidationFailed(
            f"{name} is larger than {max_file_bytes() // (1024 * 1024)} MB.",
            code="file_too_large",
            details={"name": name, "size": size, "max": max_file_bytes()},
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        if extension in TEXT_EXTENSIONS and _is_text(head):
            return CheckedFile(upload, name, "text/plain", size)
        raise ValidationFailed(
            f"{name}: this type of file is not accepted.",
            code="file_type_not_allowed",
            details={"name": name, "allowed": sorted({e for es in ALLOWED_TYPES.values() for e in es})},
        )
    allowed_extensions = ALLOWED_TYPES.get(kind.mime)
    if allowed_extensions is None or extension not in allowed_extensions:
        raise ValidationFailed(
            f"{name}: the content ({kind.mime}) is not an accepted type for this name.",
            code="file_type_not_allowed",
            details={"name": name, "detected": kind.mime},
        )
    return CheckedFile(upload, name, kind.mime, size)


def check_uploads(uploads: Sequence[File]) -> list[CheckedFile]:  # type: ignore[type-arg]
    if len(uploads) > max_files():
        raise ValidationFailed(f"At most {max_files()} files at once.", code="too_many_files")
    return [check_upload(upload) for upload in uploads]


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # incremental: the head may end inside a multi-byte character
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False
