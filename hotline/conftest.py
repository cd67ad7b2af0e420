"""Shared fixtures: a small city, one persona per role, and a factory of orders in any state.

Personas follow STYLE.md: ``agent``, ``dispatcher``, ``unit_handler`` (of 市水务局, ``water``),
``other_handler`` (of 市城管局, ``urban``), ``unit_leader`` (of 东湖区政府, ``district``, whose sub-unit is
东湖街道 ``street``), ``street_handler``, ``supervisor``, ``leader``, ``admin_user``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hotline.directory.models import Division, Role, Unit, User
from hotline.taxonomy.models import Category
from hotline.workorders import services as wo
from hotline.workorders.models import WorkOrder

TZ = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parent.parent
# Real citizen messages, for tests and benchmarks only: ../shared/data beside the checkout, or elsewhere.
SHARED_DATA = Path(os.environ.get("HOTLINE_SHARED_DATA") or ROOT.parent / "shared" / "data")


def shared_file(relative: str) -> Path:
    """A file of the real data set; the test is skipped, saying where it looked, when the set is absent."""
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"real data not found at {path} (set HOTLINE_SHARED_DATA to its data folder)")
    return path


@dataclass
class City:
    city: Division
    district: Division
    street_division: Division
    center: Unit
    water: Unit
    urban: Unit
    district_gov: Unit
    street: Unit
    category: Category


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Reference rows come from data migrations; a transactional test (live server, threads) flushes
    them at its end. Put them back for every database test, whatever ran before on this worker."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from hotline.channels.models import MessageTemplate
    from hotline.channels.reference import ensure_templates
    from hotline.sla import defaults
    from hotline.sla import models as sla
    from hotline.sla.selectors import invalidate_cache
    from hotline.taxonomy.models import Channel, RejectionReason
    from hotline.taxonomy.reference import ensure_reference_rows

    if not Channel.objects.exists():
        ensure_reference_rows(Channel, RejectionReason)
        defaults.ensure_defaults(sla.CalendarDay, sla.CalendarYear, sla.WorkingPeriod, sla.SlaPolicy)
    if not MessageTemplate.objects.exists():
        ensure_templates(MessageTemplate)
    invalidate_cache()


@pytest.fixture
def now() -> dt.datetime:
    # A Monday morning in an ordinary working week.
    return dt.datetime(2026, 11, 16, 9, 0, tzinfo=TZ)


@pytest.fixture
def city(db: None) -> City:
    province = Division.objects.add_root(
        instance=Division(code="990000000000", name="海澄省", level=Division.Level.PROVINCE)
    )
    city_div = Division.objects.add_child(
        province, instance=Division(code="990100000000", name="海澄市", level=Division.Level.CITY)
    )
    district = Division.objects.add_child(
        city_div, instance=Division(code="990101000000", name="东湖区", level=Division.Level.DISTRICT)
    )
    street_div = Division.objects.add_child(
        district, instance=Division(code="990101001000", name="东湖街道", level=Division.Level.STREET)
    )
    center = Unit.objects.add_root(instance=Unit(code="C", name="市12345热线中心", kind=Unit.Kind.CENTER))
    water = Unit.objects.add_root(instance=Unit(code="D01", name="市水务局", kind=Unit.Kind.DEPARTMENT))
    urban = Unit.objects.add_root(instance=Unit(code="D02", name="市城管局", kind=Unit.Kind.DEPARTMENT))
    district_gov = Unit.objects.add_root(
        instance=Unit(code="G01", name="东湖区政府", kind=Unit.Kind.DISTRICT)
    )
    district_gov = Unit.objects.get(pk=district_gov.pk)
    street = Unit.objects.add_child(
        district_gov, instance=Unit(code="G01S01", name="东湖街道办事处", kind=Unit.Kind.STREET)
    )
    district_gov.refresh_from_db()
    root = Category.objects.add_root(instance=Category(code="01", name="城乡建设"))
    category = Category.objects.add_child(root, instance=Category(code="01001", name="供水"))
    return City(city_div, district, street_div, center, water, urban, district_gov, street, category)


def _user(username: str, role: str, unit: Unit | None) -> User:
    return User.objects.create_user(username=username, password="pw-" + username, role=role, unit=unit)


@pytest.fixture
def agent(city: City) -> User:
    return _user("agent", Role.AGENT, city.center)


@pytest.fixture
def dispatcher(city: City) -> User:
    return _user("dispatcher", Role.DISPATCHER, city.center)


@pytest.fixture
def supervisor(city: City) -> User:
    return _user("supervisor", Role.SUPERVISOR, city.center)


@pytest.fixture
def leader(city: City) -> User:
    return _user("leader", Role.LEADER, city.center)


@pytest.fixture
def admin_user(city: City) -> User:
    user = _user("admin", Role.ADMIN, city.center)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def unit_handler(city: City) -> User:
    return _user("water_handler", Role.UNIT_HANDLER, city.water)


@pytest.fixture
def other_handler(city: City) -> User:
    return _user("urban_handler", Role.UNIT_HANDLER, city.urban)


@pytest.fixture
def unit_leader(city: City) -> User:
    return _user("district_leader", Role.UNIT_LEADER, city.district_gov)


@pytest.fixture
def street_handler(city: City) -> User:
    return _user("street_handler", Role.UNIT_HANDLER, city.street)


MakeOrder = Callable[..., WorkOrder]


@pytest.fixture
def make_order(city: City, agent: User, now: dt.datetime) -> MakeOrder:
    """Create an order by the services. ``make_order(confidential=True, phone=...)`` for variants."""

    def make(
        *,
        title: str = "小区停水三天无人处理",
        content: str = "东湖街道幸福里小区自周一起停水，物业称管网维修，至今未恢复。",
        request_type: str = "complaint",
        phone: str = "13812341234",
        name: str = "张三",
        confidential: bool = False,
        anonymous: bool = False,
        urgency: str = "normal",
        channel: str = "phone",
        at: dt.datetime | None = None,
        accept: bool = True,
    ) -> WorkOrder:
        return wo.workorder_intake(
            actor=agent if accept else None,
            channel=channel,
            request_type=request_type,
            title=title,
            content=content,
            caller=wo.Caller(name=name, phone=phone, confidential=confidential, anonymous=anonymous),
            category=city.category,
            location_text="东湖区幸福里小区",
            division=city.street_division,
            urgency=urgency,
            now=at or now,
            accept=accept,
        )

    return make


# ---------------------------------------------------------------------------------------------------------
# Browser tests: Playwright driving Debian's chromium (installed by `make test`), against a live server.
# Mark them ``@pytest.mark.browser``; use ``page``, ``login_as(user)`` and ``screenshot(name)``.

CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium for the browser tests")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
    # synchronous, so Django's async-safety check does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser tab on the live server, in Chinese (the default language)."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def login_as(page: Any, live_server: Any) -> Callable[[User], Any]:
    """Sign ``user`` in on ``page`` through a session cookie (the login form has its own tests)."""
    from django.conf import settings
    from django.test import Client

    def login(user: User) -> Any:
        page.context.clear_cookies()
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return login


@pytest.fixture
def screenshot(page: Any) -> Callable[[str], Path]:
    """Save what the user sees as ``var/screenshots/<name>.png``."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
