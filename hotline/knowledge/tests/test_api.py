"""The knowledge-base API: search, read, report (bearer token of a staff account) and the public FAQ."""

from __future__ import annotations

import pytest

from hotline.knowledge.models import EntryReport, Visibility
from hotline.tokens.testing import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(make_entry):
    return (
        make_entry("燃气开户需要什么材料", "房产证明和户主身份证。", visibility=Visibility.PUBLIC),
        make_entry("燃气欠费停气内部口径", "先核实欠费金额，再告知缴费渠道。"),
    )


def test_search_and_read(agent, entries):
    api = ApiClient(agent)
    response = api.get("knowledge/search", {"q": "然气开户"})
    assert response.status_code == 200
    body = response.json()
    assert body["results"][0]["id"] == entries[0].pk and body["results"][0]["ref"] == str(entries[0].pk)
    assert "<mark>" in body["results"][0]["snippet_html"] or body["results"][0]["answer"]
    detail = api.get(f"knowledge/entries/{entries[1].pk}").json()
    assert detail["published"]["visibility"] == "internal" and detail["status"] == "published"
    assert api.get("knowledge/search", {"q": "燃气", "visibility": "secret"}).status_code == 400
    assert api.get("knowledge/entries/999999").status_code == 404


def test_report(agent, entries):
    api = ApiClient(agent)
    response = api.post(
        f"knowledge/entries/{entries[0].pk}/reports", {"kind": "outdated", "comment": "材料清单已变"}
    )
    assert response.status_code == 201
    assert EntryReport.objects.get().comment == "材料清单已变"
    bad = api.post(f"knowledge/entries/{entries[0].pk}/reports", {"kind": "nonsense"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_report_kind"


def test_search_needs_a_token(entries):
    assert ApiClient().get("knowledge/search", {"q": "燃气"}).status_code == 401


def test_public_faq_needs_no_sign_in_and_shows_public_entries_only(entries):
    found = ApiClient().get("knowledge/faq", {"q": "燃气"}).json()
    assert [r["id"] for r in found] == [entries[0].pk]
