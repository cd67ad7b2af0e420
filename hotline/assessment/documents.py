"""Word documents from templates an admin can edit: a ``.docx`` with Jinja tags (docxtpl), rendered in a
sandboxed Jinja environment with autoescaping, so an uploaded template can neither run code nor break the
document's XML with the data.

Each kind (the assessment notice, the briefing) has a built-in template made here with python-docx and a
sample context; an admin downloads the template in use, edits it in Word and uploads it back. An upload is
refused unless it renders with the sample context.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from hotline.core.errors import ValidationFailed

from .models import DocumentTemplate


@dataclass(frozen=True)
class TemplateKind:
    build: Callable[[], bytes]  # the built-in template
    sample: Callable[[], dict[str, Any]]  # a context with every variable the built-in template uses


_KINDS: dict[str, TemplateKind] = {}


def register(kind: str, build: Callable[[], bytes], sample: Callable[[], dict[str, Any]]) -> None:
    _KINDS[kind] = TemplateKind(build, sample)


def kind_of(kind: str) -> TemplateKind:
    if kind not in _KINDS:
        raise ValidationFailed(f"Unknown template kind {kind!r}.", code="invalid_template_kind")
    return _KINDS[kind]


def active_template(kind: str) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(kind=kind, active=True).order_by("-uploaded_at", "-id").first()


def template_bytes(kind: str) -> bytes:
    """The template in use: the newest active upload, else the built-in one."""
    uploaded = active_template(kind)
    if uploaded is not None:
        with uploaded.file.open("rb") as handle:
            return bytes(handle.read())
    return kind_of(kind).build()


def render_bytes(template: bytes, context: dict[str, Any]) -> bytes:
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=SandboxedEnvironment(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render(kind: str, context: dict[str, Any]) -> bytes:
    """The document of ``kind`` for ``context``, from the template in use."""
    try:
        return render_bytes(template_bytes(kind), context)
    except TemplateError as exc:
        raise ValidationFailed(
            f"The Word template in use cannot be filled in: {exc}. An admin should fix or reset it.",
            code="template_failed",
        ) from exc


def check_template(kind: str, data: bytes) -> None:
    """Refuse a template that is not a Word document or does not render with the sample context."""
    try:
        render_bytes(data, kind_of(kind).sample())
    except TemplateError as exc:
        raise ValidationFailed(
            f"The template has an error: {exc}.", code="invalid_template", details={"error": str(exc)}
        ) from exc
    except Exception as exc:  # not a .docx, a damaged file: python-docx raises many kinds
        raise ValidationFailed(
            "The file is not a Word (.docx) template that can be filled in.",
            code="invalid_template",
            details={"error": str(exc)},
        ) from exc


# ---------------------------------------------------------------------------------------------------------
# Building templates with python-docx


def new_document() -> Any:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return document


def heading(document: Any, text: str, *, size: int = 20) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size)


def section(document: Any, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(14)


def loop_table(document: Any, headers: Sequence[str], loop: str, cells: Sequence[str]) -> Table:
    """A table whose body row repeats: ``{%tr for ... %}`` and ``{%tr endfor %}`` rows around it."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for index, text in enumerate(headers):
        table.rows[0].cells[index].text = text
        for run in table.rows[0].cells[index].paragraphs[0].runs:
            run.bold = True
    table.rows[1].cells[0].text = "{%tr " + loop + " %}"
    for index, text in enumerate(cells):
        table.rows[2].cells[index].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def save(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------
# The assessment notice (考核通报)


def build_notice_template() -> bytes:
    document = new_document()
    heading(document, "{{ city }}" + _("12345 hotline"))
    heading(document, _("Assessment notice for {{ period }}"), size=16)
    document.add_paragraph("{{ scheme }} · " + _("figures as of {{ as_of }}"))
    section(document, _("1. Overview"))
    document.add_paragraph(
        _(
            "In {{ period }}, {{ total.assigned }} assignments went to {{ units_assessed }} units; "
            "{{ units_ranked }} units were ranked. The average score was {{ average }}."
        )
    )
    document.add_paragraph(
        "{% for item in total.indicators %}{{ item.name }} {{ item.value }}{{ item.unit }}"
        "{% if not loop.last %}; {% endif %}{% endfor %}"
    )
    section(document, _("2. Ranking of the units"))
    loop_table(
        document,
        [
            _("rank"),
            _("unit"),
            _("assignments"),
            _("score"),
            pgettext("period", "previous"),
            pgettext("trend", "change"),
        ],
        "for row in units",
        [
            "{{ row.rank }}",
            "{{ row.name }}",
            "{{ row.assigned }}",
            "{{ row.total }}",
            "{{ row.previous_total }}",
            "{{ row.change }}",
        ],
    )
    section(document, _("3. District governments"))
    loop_table(
        document,
        [_("rank"), _("district"), _("assignments"), _("score"), pgettext("trend", "change")],
        "for row in districts",
        ["{{ row.rank }}", "{{ row.name }}", "{{ row.assigned }}", "{{ row.total }}", "{{ row.change }}"],
    )
    section(document, _("4. Units to improve"))
    document.add_paragraph(
        "{% for row in bottom %}{{ row.name }}（{{ row.total }}）{% if not loop.last %}、{% endif %}"
        "{% else %}" + _("none") + "{% endfor %}"
    )
    section(document, _("5. The indicators"))
    loop_table(
        document,
        [_("indicator"), _("weight"), _("how it is computed")],
        "for item in indicators",
        ["{{ item.name }}", "{{ item.weight }}", "{{ item.description }}"],
    )
    document.add_paragraph("")
    paragraph = document.add_paragraph("{{ city }}" + _("12345 hotline center") + "\n{{ generated_on }}")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return save(document)


def notice_sample() -> dict[str, Any]:
    row = {
        "rank": 1,
        "name": "市水务局",
        "assigned": 120,
        "total": "96.50",
        "previous_total": "95.00",
        "change": "+1.50",
        "rank_change": "+1",
        "values": ["98.00%"],
    }
    return {
        "city": "海澄市",
        "title": "考核通报",
        "period": "2026年10月",
        "previous_period": "2026年9月",
        "scheme": "综合考评",
        "as_of": "2026-11-01 08:00",
        "generated_on": "2026年11月1日",
        "units_assessed": 30,
        "units_ranked": 28,
        "average": "92.10",
        "total": {"assigned": 2000, "indicators": [{"name": "满意率", "value": "97.00", "unit": "%"}]},
        "units": [row],
        "districts": [row],
        "areas": [row],
        "top": [row],
        "bottom": [row],
        "indicators": [
            {
                "name": "满意率",
                "weight": "25",
                "kind": "权重指标",
                "description": "…",
                "formula": "rate(a, b)",
            }
        ],
    }


register(DocumentTemplate.Kind.NOTICE, build_notice_template, notice_sample)
