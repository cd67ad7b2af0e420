"""Exports: the Excel workbook and the Word notice open and hold the figures; templates an admin edits."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from hotline.assessment import documents, services
from hotline.assessment.models import DocumentTemplate, Scheme
from hotline.assessment.periods import month_of
from hotline.conftest import City, MakeOrder
from hotline.core.errors import Forbidden, ValidationFailed
from hotline.directory.models import User

from .stories import Cast, H, full

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(
    city: City, cast: Cast, make_order: MakeOrder, presets: dict[str, Scheme], now: dt.datetime
) -> dict[str, object]:
    scheme = presets["weighted"]
    scheme.min_orders = 1
    scheme.save()
    full(cast, make_order(), city.water, now)
    full(cast, make_order(), city.urban, now, satisfaction="dissatisfied", solved=False)
    as_of = now + 40 * 24 * H
    return {
        "scheme": scheme,
        "assessments": services.assessments_for(scheme, month_of(now.date()), as_of=as_of),
        "as_of": as_of,
    }


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_workbook_has_a_sheet_per_view_with_the_figures(figures: dict[str, object]) -> None:
    from django.utils.translation import gettext as _

    from hotline.assessment.exports import view_title, workbook

    assessments = figures["assessments"]
    book = load_workbook(io.BytesIO(workbook(assessments)))  # type: ignore[arg-type]
    views = [view_title(v) for v in ("unit", "district", "division")]
    assert book.sheetnames == [*views, _("indicators"), _("measures")]
    units = book.worksheets[0]
    rows = {row[1]: row for row in units.iter_rows(min_row=3, values_only=True)}
    water = assessments["unit"].row("unit:D01")  # type: ignore[index]
    assert rows["市水务局"][0] == water.rank and rows["市水务局"][2] == water.total
    districts = book.worksheets[1]
    first = next(districts.iter_rows(min_row=3, values_only=True))
    assert first[1] == "东湖区政府"


def test_notice_holds_the_ranking(figures: dict[str, object], now: dt.datetime) -> None:
    data = services.notice_document(figures["assessments"], generated_at=now)  # type: ignore[arg-type]
    text = _text(data)
    water = figures["assessments"]["unit"].row("unit:D01")  # type: ignore[index]
    assert "市水务局" in text and "市城管局" in text and f"{water.total:.2f}" in text
    assert "{{" not in text and "{%" not in text


def _docx(paragraph: str) -> bytes:
    document = documents.new_document()
    document.add_paragraph(paragraph)
    return documents.save(document)


def test_an_admin_replaces_the_notice_template(
    figures: dict[str, object], admin_user: User, now: dt.datetime
) -> None:
    upload = SimpleUploadedFile("mine.docx", _docx("本地通报：{{ period }}，共{{ total.assigned }}件。"))
    services.template_upload(kind=DocumentTemplate.Kind.NOTICE, upload=upload, actor=admin_user, now=now)
    text = _text(services.notice_document(figures["assessments"], generated_at=now))  # type: ignore[arg-type]
    assert text.strip().startswith("本地通报：") and "共2件" in text
    services.template_reset(kind=DocumentTemplate.Kind.NOTICE, actor=admin_user, now=now)
    assert "本地通报" not in _text(services.notice_document(figures["assessments"], generated_at=now))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        _docx("{{ period "),  # broken tag
        _docx("{{ ''.__class__.__mro__[1].__subclasses__() }}"),  # the sandbox refuses it
        b"PK\x03\x04 not really a document",
    ],
)
def test_bad_templates_are_refused(admin_user: User, now: dt.datetime, data: bytes) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.template_upload(
            kind=DocumentTemplate.Kind.NOTICE,
            upload=SimpleUploadedFile("t.docx", data),
            actor=admin_user,
            now=now,
        )
    assert error.value.code in ("invalid_template", "file_type_not_allowed")
    assert not DocumentTemplate.objects.exists()


def test_only_admins_upload_templates(supervisor: User, now: dt.datetime) -> None:
    with pytest.raises(Forbidden):
        services.template_upload(
            kind=DocumentTemplate.Kind.NOTICE,
            upload=SimpleUploadedFile("t.docx", _docx("x")),
            actor=supervisor,
            now=now,
        )


def test_built_in_templates_render_their_samples() -> None:
    for kind in DocumentTemplate.Kind.values:
        documents.check_template(kind, documents.kind_of(kind).build())
