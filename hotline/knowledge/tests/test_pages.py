"""The pages through the test client: the agent console's panel, the public FAQ and the staff pages."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hotline.knowledge import services as kb
from hotline.knowledge.models import Entry, EntryReport, EntryStatus, SearchGap, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(make_entry, city):
    return {
        "public": make_entry(
            "自来水停水怎么办",
            "<p>先查看停水通知；未通知的停水请拨打<strong>96345</strong>报修。</p>",
            visibility=Visibility.PUBLIC,
            category=city.category,
        ),
        "internal": make_entry(
            "停水投诉内部处理口径", "先核实片区计划停水，再派单水务集团。", visibility=Visibility.INTERNAL
        ),
        "expired": make_entry(
            "停水补偿标准（2025年）",
            "旧标准已废止。",
            visibility=Visibility.PUBLIC,
            expires_on=dt.date(2026, 11, 20),
        ),
    }


def login(client, user):
    client.force_login(user)
    return client


def fills(body: str) -> list[dict[str, str]]:
    return [json.loads(html.unescape(m)) for m in re.findall(r'data-fill="([^"]+)"', body)]


def test_panel_offers_answers_to_fill(client, agent, entries, django_assert_max_num_queries):
    login(client, agent)
    url = reverse("knowledge:panel_answers")
    client.get(url, {"title": "预热"})  # the index is built once per process
    with django_assert_max_num_queries(12):
        response = client.get(
            url, {"title": "停水了怎么办", "content": "小区突然停水", "caller_phone": "138"}
        )
    assert response.status_code == 200
    body = response.content.decode()
    found = fills(body)
    assert found[0] == {
        "answer": entries["public"].published.answer_text,
        "knowledge_ref": str(entries["public"].pk),
    }
    assert str(entries["internal"].pk) in {f["knowledge_ref"] for f in found}  # agents see internal entries
    assert "<mark>" in body and reverse("knowledge:report", args=[entries["public"].pk]) in body


def test_panel_needs_staff(client, entries):
    response = client.get(reverse("knowledge:panel_answers"), {"title": "停水"})
    assert response.status_code == 302


def test_panel_empty_and_no_match(client, agent, entries):
    login(client, agent)
    assert "data-fill" not in client.get(reverse("knowledge:panel_answers")).content.decode()
    body = client.get(reverse("knowledge:panel_answers"), {"title": "护照签证加急"}).content.decode()
    assert "data-fill" not in body


def test_report_from_the_console(client, agent, entries, make_order):
    order = make_order(request_type="consult")
    login(client, agent)
    url = reverse("knowledge:report", args=[entries["public"].pk])
    response = client.post(
        url, {"kind": "outdated", "comment": "号码已变", "order": order.number}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    report = EntryReport.objects.get()
    assert (report.kind, report.comment, report.order, report.reporter) == (
        "outdated",
        "号码已变",
        order,
        agent,
    )
    response = client.post(url, {"kind": "bogus"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and EntryReport.objects.count() == 1


def test_public_faq_lists_and_searches_public_entries_only(client, entries, django_assert_max_num_queries):
    url = reverse("knowledge:public_faq")
    client.get(url, {"q": "预热"})
    with django_assert_max_num_queries(6):
        listing = client.get(url)
    body = listing.content.decode()
    assert listing.status_code == 200
    assert "自来水停水怎么办" in body and "内部处理口径" not in body and "停水补偿标准" not in body
    with django_assert_max_num_queries(8):
        found = client.get(url, {"q": "停水"}).content.decode()
    links = set(re.findall(r'href="/kb/faq/(\d+)/"', found))
    assert links == {str(entries["public"].pk)}


def test_public_entry_page(client, entries):
    public = entries["public"]
    response = client.get(reverse("knowledge:public_faq_entry", args=[public.pk]))
    assert response.status_code == 200 and "<strong>96345</strong>" in response.content.decode()
    for hidden in ("internal", "expired"):
        assert client.get(reverse("knowledge:public_faq_entry", args=[entries[hidden].pk])).status_code == 404


def test_public_search_with_no_answer_records_a_gap(client, entries):
    client.get(reverse("knowledge:public_faq"), {"q": "护照加急办理"})
    assert SearchGap.objects.get().query == "护照加急办理"


def test_staff_search_page(client, agent, entries, django_assert_max_num_queries):
    login(client, agent)
    url = reverse("knowledge:search")
    client.get(url, {"q": "预热"})
    with django_assert_max_num_queries(14):
        response = client.get(url, {"q": "停水", "visibility": "internal"})
    body = response.content.decode()
    assert "内部处理口径" in body and "自来水停水怎么办" not in body
    assert client.get(url).status_code == 200


def test_unit_drafts_through_the_pages(client, unit_handler, editor, city):
    login(client, unit_handler)
    response = client.post(
        reverse("knowledge:create"),
        {
            "question": "水表坏了谁来换",
            "answer": '<p>自来水公司免费更换，详见<a href="https://gov.example/sb" onclick="x()">说明</a></p>',
            "keywords": "水表，更换",
            "visibility": "public",
            "owner_units": [city.water.pk],
            "review_cycle_days": "90",
            "new_files": [SimpleUploadedFile("note.txt", "更换流程".encode())],
            "then": "submit",
        },
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == reverse("knowledge:entry", args=[entry.pk])
    assert entry.status == EntryStatus.SUBMITTED
    assert "onclick" not in entry.latest.answer_html and entry.latest.keywords == "水表,更换"
    assert [a["name"] for a in entry.latest.attachments] == ["note.txt"]
    page = client.get(reverse("knowledge:entry", args=[entry.pk]))
    assert page.status_code == 200
    download = client.get(reverse("knowledge:attachment", args=[entry.pk, entry.latest.attachments[0]["id"]]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == "更换流程".encode()
    # the center's editor publishes it
    login(client, editor)
    client.post(reverse("knowledge:act", args=[entry.pk, "publish"]))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED


def test_form_errors_keep_the_input(client, unit_handler, city):
    login(client, unit_handler)
    response = client.post(
        reverse("knowledge:create"),
        {
            "question": "水表坏了",
            "answer": "<p></p>",
            "visibility": "internal",
            "owner_units": [city.urban.pk],
        },
    )
    assert response.status_code == 400
    assert not Entry.objects.exists()
    assert "水表坏了" in response.content.decode()


def test_another_units_draft_is_not_found(client, unit_handler, other_handler, now):
    entry = kb.entry_create(
        actor=unit_handler, data=kb.EntryInput(question="水表更换流程", answer="见说明。"), now=now
    )
    login(client, other_handler)
    assert client.get(reverse("knowledge:entry", args=[entry.pk])).status_code == 404
    assert client.get(reverse("knowledge:edit", args=[entry.pk])).status_code == 404
    login(client, unit_handler)
    assert client.get(reverse("knowledge:edit", args=[entry.pk])).status_code == 200


def test_edit_and_diff_pages(client, editor, entries):
    entry = entries["internal"]
    login(client, editor)
    edit_url = reverse("knowledge:edit", args=[entry.pk])
    form = client.get(edit_url)
    assert form.status_code == 200
    response = client.post(
        edit_url,
        {
            "question": entry.latest.question,
            "answer": "先核实片区计划停水，再派单水务集团并告知来电人。",
            "visibility": "internal",
            "owner_units": [u.pk for u in entry.latest.owner_units.all()],
            "review_cycle_days": "180",
            "expected_version": "1",
            "note": "补充告知要求",
            "then": "publish",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.published.number == 2
    diff = client.get(reverse("knowledge:diff", args=[entry.pk]), {"a": 1, "b": 2}).content.decode()
    assert "<ins>" in diff and "告知来电人" in diff
    assert client.get(reverse("knowledge:version", args=[entry.pk, 1])).status_code == 200
    # an edit from an old form is refused
    stale = client.post(
        edit_url,
        {
            "question": "旧表单",
            "answer": "旧内容",
            "visibility": "internal",
            "expected_version": "1",
            "then": "save",
        },
    )
    assert stale.status_code == 409


def test_review_lists(client, editor, unit_handler, make_entry, now, django_assert_max_num_queries):
    kb.entry_create(
        actor=unit_handler, data=kb.EntryInput(question="报送的条目", answer="内容。"), now=now, submit=True
    )
    make_entry("快到复审的条目", "内容。", review_cycle_days=3)
    login(client, editor)
    url = reverse("knowledge:review")
    for tab in ("submitted", "drafts", "due", "expiring", "reports"):
        with django_assert_max_num_queries(14):
            response = client.get(url, {"tab": tab})
        assert response.status_code == 200
    assert "报送的条目" in client.get(url, {"tab": "submitted"}).content.decode()
    assert "快到复审的条目" in client.get(url, {"tab": "due"}).content.decode()
    login(client, unit_handler)
    assert "报送的条目" in client.get(url, {"tab": "submitted"}).content.decode()


def test_usage_page_is_for_the_center(client, agent, unit_handler, entries, django_assert_max_num_queries):
    login(client, agent)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("knowledge:usage")).status_code == 200
    login(client, unit_handler)
    assert client.get(reverse("knowledge:usage")).status_code == 403


def test_export_and_import_through_the_pages(client, editor, entries):
    login(client, editor)
    response = client.get(reverse("knowledge:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("kb.xlsx", response.content)
    response = client.post(reverse("knowledge:import"), {"file": upload})
    assert response.status_code == 302
    assert Entry.objects.count() == 3


def test_order_panel_lists_the_entries_used(
    client, agent, other_handler, entries, make_order, now, django_capture_on_commit_callbacks
):
    from hotline.workorders import services as wo

    order = make_order(request_type="consult")
    with django_capture_on_commit_callbacks(execute=True):
        wo.workorder_answer(
            order=order, actor=agent, answer="见知识库", now=now, knowledge_ref=entries["public"].ref
        )
    login(client, agent)
    body = client.get(reverse("knowledge:panel_order"), {"order": order.number}).content.decode()
    assert reverse("knowledge:entry", args=[entries["public"].pk]) in body
    login(client, other_handler)  # a unit that never had the order sees nothing of it
    body = client.get(reverse("knowledge:panel_order"), {"order": order.number}).content.decode()
    assert reverse("knowledge:entry", args=[entries["public"].pk]) not in body
