import datetime as dt
import pytest
from hotline.assessment.presets import install
from hotline.assessment.models import Scheme, Indicator
from hotline.workorders import services as wo

@pytest.mark.django_db
def test_pages(client, city, make_order, dispatcher, unit_handler, agent, admin_user, supervisor, now):
    install(Scheme, Indicator, now=now)
    order = make_order()
    wo.workorder_dispatch(order=order, actor=dispatcher, lead=city.water, now=now)
    wo.workorder_sign(order=order, actor=unit_handler, now=now + dt.timedelta(hours=1))
    wo.workorder_remind(order=order, actor=None, now=now + dt.timedelta(hours=2))
    client.force_login(admin_user)
    for url in ["/assessment/?period=2026-11", "/assessment/?period=2026-11&view=district", "/assessment/?period=2026-11&view=division",
                "/assessment/units/D01/?period=2026-11", "/assessment/units/D01/history/?period=2026-11",
                "/assessment/units/D01/orders/?period=2026-11&measure=assigned", "/assessment/units/D01/orders/?period=2026-11&measure=reminders",
                "/assessment/districts/G01/?period=2026-11", "/assessment/areas/none/?period=2026-11",
                "/assessment/schemes/", "/assessment/schemes/weighted/", "/assessment/templates/",
                "/assessment/export.xlsx?period=2026-11", "/assessment/notice.docx?period=2026-11",
                "/briefings/"]:
        r = client.get(url)
        print(url, r.status_code, len(r.content))
        assert r.status_code == 200, r.content[:3000]
    r = client.post("/briefings/generate/", {"kind": "week", "day": "2026-11-16"})
    print(r.status_code, r.headers.get("Location"))
    r = client.get(r.headers["Location"]); assert r.status_code == 200
    r = client.post("/assessment/publications/new/", {"scheme": "weighted", "period": "2026-11"})
    print(r.status_code, r.headers.get("Location"))
    r = client.get(r.headers["Location"]); assert r.status_code == 200
