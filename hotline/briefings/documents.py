"""The briefing as a document: the formatted context shared by the Word document and the printable page,
and the built-in Word template (editable by an admin, like the assessment notice)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.enum.text import WD_ALIGN_PARAGRAPH

from hotline.assessment import documents as docs
from hotline.assessment.models import DocumentTemplate
from hotline.core.clock import localtime


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def change(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}%"


def points(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _lines(lines: list[dict[str, Any]], limit: int = 20) -> list[dict[str, Any]]:
    return [
        {
            "name": line["name"],
            "count": line["count"],
            "previous": line["previous"],
            "change": change(line["change_pct"]),
        }
        for line in lines[:limit]
    ]


def document_context(
    content: dict[str, Any], *, generated_at: dt.datetime, generated_by: str
) -> dict[str, Any]:
    """Strings ready to print, from a briefing's stored content."""
    volumes = content["volumes"]
    performance = content.get("performance") or {"available": False}
    rates = performance.get("rates", {})
    previous_rates = performance.get("previous_rates", {})
    hot = content.get("hot_issues") or {"available": False, "items": []}
    outcomes = volumes.get("outcomes", {})
    measures = [
        ("sign_rate", _("signed for on time")),
        ("on_time_rate", _("completed on time")),
        ("response_rate", _("caller heard within the progress limit")),
        ("satisfaction_rate", _("satisfaction rate")),
        ("resolution_rate", _("resolution rate")),
        ("reopen_rate", _("reopened after the callback")),
    ]
    counts = performance.get("counts", {})
    return {
        "city": getattr(settings, "HOTLINE_CITY_NAME", ""),
        "title": content["title"],
        "issue": content["issue"],
        "period": content["period"]["label"],
        "previous_period": content["previous"]["label"],
        "generated_on": f"{localtime(generated_at):%Y-%m-%d %H:%M}",
        "generated_by": generated_by or _("the schedule"),
        "partial": "" if content.get("complete", True) else _("The period is not over yet: figures so far."),
        "total": volumes["total"],
        "previous_total": volumes["previous"],
        "change": change(volumes["change_pct"]),
        "outcomes": {
            key: outcomes.get(key, 0)
            for key in ("direct_answers", "dispatched", "rejected", "merged", "closed", "still_open")
        },
        "channels": _lines(volumes["by_channel"]),
        "types": _lines(volumes["by_type"]),
        "categories": _lines(volumes["by_category"]),
        "districts": _lines(volumes["by_district"]),
        "performance_available": bool(performance.get("available")),
        "scheme": performance.get("scheme", ""),
        "rates": [
            {"name": name, "value": pct(rates.get(key)), "previous": pct(previous_rates.get(key))}
            for key, name in measures
        ],
        "assigned": counts.get("assigned", 0),
        "overdue": counts.get("overdue", 0),
        "dissatisfied": counts.get("dissatisfied", 0),
        "reminders": counts.get("reminders", 0),
        "supervisions": counts.get("supervisions", 0),
        "top": [
            {"rank": r["rank"], "name": r["name"], "total": score(r["total"]), "change": points(r["change"])}
            for r in performance.get("top", [])
        ],
        "bottom": [
            {"rank": r["rank"], "name": r["name"], "total": score(r["total"]), "change": points(r["change"])}
            for r in performance.get("bottom", [])
        ],
        "hot_available": bool(hot.get("available")),
        "hot_note": ""
        if hot.get("available")
        else _(
            "The hot-issue analysis is not available on this platform yet, so this section has no figures."
        ),
        "hot": [
            {
                "rank": item["rank"],
                "place": item["place"] or "—",
                "description": item["description"],
                "count": item["count"],
                "numbers": "、".join(item["numbers"]),
            }
            for item in hot.get("items", [])
        ],
        "cases": content.get("cases", []),
    }


def build_template() -> bytes:
    d = docs.new_document()
    docs.heading(d, "{{ title }}")
    p = d.add_paragraph("{{ issue }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = d.add_paragraph(_("{{ city }} 12345 hotline center · {{ generated_on }}"))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("{{ partial }}")
    docs.section(d, _("1. Requests received"))
    d.add_paragraph(
        _(
            "From {{ period }}, the hotline received {{ total }} requests ({{ previous_total }} in "
            "{{ previous_period }}, {{ change }}). {{ outcomes.direct_answers }} were answered at once, "
            "{{ outcomes.dispatched }} dispatched to units, {{ outcomes.rejected }} refused and "
            "{{ outcomes.merged }} merged as duplicates; {{ outcomes.still_open }} are still open."
        )
    )
    headers = [_("name"), _("this period"), pgettext("period", "previous"), pgettext("trend", "change")]
    cells = ["{{ line.name }}", "{{ line.count }}", "{{ line.previous }}", "{{ line.change }}"]
    for title, loop in (
        (_("By channel"), "channels"),
        (_("By type"), "types"),
        (_("By category"), "categories"),
        (_("By district"), "districts"),
    ):
        d.add_paragraph(title)
        docs.loop_table(d, headers, f"for line in {loop}", cells)
    docs.section(d, _("2. Time limits and satisfaction"))
    d.add_paragraph(
        _(
            "{{ assigned }} assignments were dispatched; {{ overdue }} were late or are overdue; "
            "{{ dissatisfied }} callers were dissatisfied. Units received {{ reminders }} reminders and "
            "{{ supervisions }} supervision notices."
        )
    )
    docs.loop_table(
        d,
        [_("figure"), _("this period"), pgettext("period", "previous")],
        "for item in rates",
        ["{{ item.name }}", "{{ item.value }}", "{{ item.previous }}"],
    )
    docs.section(d, _("3. Ranking of the units ({{ scheme }})"))
    ranking = [_("rank"), _("unit"), _("score"), pgettext("trend", "change")]
    row_cells = ["{{ row.rank }}", "{{ row.name }}", "{{ row.total }}", "{{ row.change }}"]
    d.add_paragraph(_("The best"))
    docs.loop_table(d, ranking, "for row in top", row_cells)
    d.add_paragraph(_("To improve"))
    docs.loop_table(d, ranking, "for row in bottom", row_cells)
    docs.section(d, _("4. Hot issues"))
    d.add_paragraph("{{ hot_note }}")
    docs.loop_table(
        d,
        [_("rank"), _("place"), _("issue"), _("orders")],
        "for item in hot",
        ["{{ item.rank }}", "{{ item.place }}", "{{ item.description }}", "{{ item.count }}"],
    )
    docs.section(d, _("5. Typical cases"))
    d.add_paragraph(
        "{% for case in cases %}{{ loop.index }}. {{ case.headline }}（{{ case.number }}，{{ case.unit }}）："
        "{{ case.summary }}\n{% else %}" + _("No typical cases were chosen for this period.") + "{% endfor %}"
    )
    return docs.save(d)


def sample() -> dict[str, Any]:
    line = {"name": "电话", "count": 100, "previous": 90, "change": "+11.1%"}
    row = {"rank": 1, "name": "市水务局", "total": "96.50", "change": "+1.20"}
    return {
        "city": "海澄市",
        "title": "海澄市12345热线月报",
        "issue": "2026年第10期",
        "period": "2026年10月",
        "previous_period": "2026年9月",
        "generated_on": "2026-11-01 06:00",
        "generated_by": "督办科",
        "partial": "",
        "total": 100,
        "previous_total": 90,
        "change": "+11.1%",
        "outcomes": {
            "direct_answers": 10,
            "dispatched": 80,
            "rejected": 5,
            "merged": 5,
            "closed": 70,
            "still_open": 10,
        },
        "channels": [line],
        "types": [line],
        "categories": [line],
        "districts": [line],
        "performance_available": True,
        "scheme": "综合考评",
        "rates": [{"name": "满意率", "value": "97.00%", "previous": "96.00%"}],
        "assigned": 80,
        "overdue": 2,
        "dissatisfied": 1,
        "reminders": 3,
        "supervisions": 1,
        "top": [row],
        "bottom": [row],
        "hot_available": True,
        "hot_note": "",
        "hot": [{"rank": 1, "place": "东湖街道", "description": "停水", "count": 12, "numbers": "2026…"}],
        "cases": [
            {
                "number": "20261001000001",
                "headline": "小区停水快速处置",
                "summary": "…",
                "unit": "市水务局",
                "division": "东湖街道",
                "category": "停水",
                "title": "小区停水",
                "status": "已办结",
                "chosen_by": "督办科",
            }
        ],
    }


docs.register(DocumentTemplate.Kind.BRIEFING, build_template, sample)
