"""The admin: training from an uploaded file, exporting a month of orders, and catalogue edits that keep
their history."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from hotline.routing.models import CatalogueChange, CatalogueRule, ModelVersion

from .conftest import city_rows

pytestmark = pytest.mark.django_db


def _csv(rows: list[dict[str, str]]) -> io.BytesIO:
    lines = [
        "title,content,label",
        *(f"{r['title']},{r['content'].replace(',', '，')},{r['label']}" for r in rows),
    ]
    data = io.BytesIO("\n".join(lines).encode("utf-8"))
    data.name = "orders.csv"
    return data


def test_train_from_an_uploaded_file(client, admin_user, power):
    client.force_login(admin_user)
    url = reverse("admin:routing_modelversion_train")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "file": _csv(city_rows(8)),
            "text_columns": "title,content",
            "label_column": "label",
            "activate": "on",
        },
    )
    assert response.status_code == 302
    version = ModelVersion.objects.get()
    assert version.active and version.created_by == admin_user
    assert version.training_summary["source"] == "orders.csv"
    changelist = client.get(reverse("admin:routing_modelversion_changelist"))
    assert changelist.status_code == 200


def test_a_bad_upload_is_shown_and_trains_nothing(client, admin_user):
    client.force_login(admin_user)
    bad = io.BytesIO(b"a,b\n1,2\n")
    bad.name = "bad.csv"
    response = client.post(
        reverse("admin:routing_modelversion_train"),
        {"file": bad, "text_columns": "title,content", "label_column": "label"},
    )
    assert response.status_code == 200 and "title" in response.content.decode()
    assert not ModelVersion.objects.exists()


def test_export_a_month(client, admin_user, make_order, now):
    make_order()
    client.force_login(admin_user)
    response = client.post(reverse("admin:routing_modelversion_export"), {"month": now.strftime("%Y-%m")})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "01001" in response.content.decode("utf-8-sig")


def test_catalogue_edits_in_the_admin_are_recorded(client, admin_user, city):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:routing_cataloguerule_add"),
        {
            "category": city.category.pk,
            "keywords": "",
            "division": "",
            "territorial_kind": "street",
            "lead": city.water.pk,
            "assists": [city.urban.pk],
            "basis": "三定方案",
            "priority": 0,
            "active": "on",
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = CatalogueRule.objects.get()
    assert list(rule.assists.all()) == [city.urban]
    change = CatalogueChange.objects.get(rule=rule)
    assert change.actor == admin_user and change.source == "admin"
    refused = client.post(
        reverse("admin:routing_cataloguerule_add"),
        {
            "keywords": "",
            "territorial_kind": "street",
            "priority": 0,
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    assert refused.status_code == 200
    assert CatalogueRule.objects.count() == 1
