"""What files the platform accepts: by their content, with the name agreeing, within the size limit."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.core.errors import ValidationFailed
from hotline.core.uploads import check_upload, check_uploads


def _docx() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def test_office_documents_pdf_and_images_are_accepted():
    assert check_upload(SimpleUploadedFile("答复.docx", _docx())).content_type.endswith(
        "wordprocessingml.document"
    )
    assert check_upload(SimpleUploadedFile("统计.xlsx", _xlsx())).content_type.endswith("spreadsheetml.sheet")
    assert (
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"0" * 50)).content_type == "application/pdf"
    )
    assert (
        check_upload(SimpleUploadedFile("p.JPG", b"\xff\xd8\xff\xe0" + b"0" * 50)).content_type
        == "image/jpeg"
    )


def test_a_plain_zip_or_an_executable_under_an_office_name_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    for name, content in [("报告.docx", buffer.getvalue()), ("报告.doc", b"MZ\x90\x00" + b"\0" * 64)]:
        with pytest.raises(ValidationFailed) as exc:
            check_upload(SimpleUploadedFile(name, content))
        assert exc.value.code == "file_type_not_allowed"


def test_a_real_document_under_the_wrong_name_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        check_upload(SimpleUploadedFile("photo.png", _docx()))
    assert exc.value.details["detected"].endswith("wordprocessingml.document")


def test_text_files_must_be_text_and_limits_apply(settings):
    assert (
        check_upload(SimpleUploadedFile("说明.txt", "停水三天".encode("gb18030"))).content_type
        == "text/plain"
    )
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("说明.txt", b"\x00\x01\x02binary"))
    with pytest.raises(ValidationFailed) as empty:
        check_upload(SimpleUploadedFile("空.txt", b""))
    assert empty.value.code == "file_empty"
    settings.HOTLINE_UPLOAD_MAX_FILES = 1
    with pytest.raises(ValidationFailed) as many:
        check_uploads([SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")])
    assert many.value.code == "too_many_files"
