import pytest

from hotline.sla.models import CalendarYear
from hotline.sla.selectors import invalidate_cache

pytestmark = pytest.mark.django_db


def test_admin_pages_render_and_warn_about_missing_years(client, admin_user, make_order):
    make_order()
    client.force_login(admin_user)
    for url in [
        "/admin/",
        "/admin/directory/unit/",
        "/admin/taxonomy/category/",
        "/admin/sla/slapolicy/",
        "/admin/workorders/workorder/",
        "/admin/directory/user/",
        "/admin/sla/calendarday/",
    ]:
        assert client.get(url).status_code == 200, url
    order_url = "/admin/workorders/workorder/"
    from hotline.workorders.models import WorkOrder

    assert client.get(f"{order_url}{WorkOrder.objects.get().pk}/change/").status_code == 200
    CalendarYear.objects.all().delete()
    invalidate_cache()
    page = client.get("/admin/").content.decode()
    invalidate_cache()
    assert "not loaded" in page
