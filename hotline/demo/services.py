"""``demo_load``: build the demo city and about 2,000 orders over the past 90 days, through the services,
so every order's event log is real. Apps add their own demo data in ``hotline/<app>/demo.py``, a module
with ``load(context: DemoContext) -> None``, called after the city is built."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import random
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction

from hotline.core.errors import ApplicationError
from hotline.directory.models import Division, Role, Unit, UnitContact, User
from hotline.sla.services import sla_sweep
from hotline.taxonomy.models import Category
from hotline.workorders import services as wo
from hotline.workorders.events import delivery_suppressed
from hotline.workorders.models import WorkOrder

from . import city as data

Node = TypeVar("Node", Division, Unit, Category)

CHANNEL_WEIGHTS = [
    ("phone", 60),
    ("wechat", 12),
    ("web", 10),
    ("app", 8),
    ("sms", 5),
    ("mailbox", 3),
    ("weibo", 2),
]


@dataclass
class Login:
    username: str
    role: str
    unit: str


@dataclass
class DemoContext:
    """What an app's ``demo.load`` gets: the city just built and a seeded random generator."""

    now: dt.datetime
    rng: random.Random
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)  # by level-3 name
    streets: dict[str, Unit] = field(default_factory=dict)  # street division code -> street unit
    divisions: list[Division] = field(default_factory=list)  # streets and communities
    logins: list[Login] = field(default_factory=list)


def demo_loaded() -> bool:
    return Unit.objects.filter(code="C").exists() and User.objects.filter(username="admin").exists()


def demo_logins() -> list[Login]:
    return [
        Login(user.username, user.get_role_display(), user.unit.name if user.unit else "")
        for user in User.objects.select_related("unit").order_by("role", "username")
    ]


def demo_load(*, now: dt.datetime, orders: int = 2000, seed: int = 12345) -> DemoContext:
    """Load the demo city once. Refuses to run twice (``demo_loaded()``)."""
    if demo_loaded():
        raise ApplicationError("The demo city is already loaded.", code="demo_loaded")
    ctx = DemoContext(now=now, rng=random.Random(seed))
    demo_city(ctx)
    # The city's past: each app's demo module below builds its own derived state (indexes, counters,
    # surveys), so replaying 90 days of events through the worker afterwards would only repeat it.
    with delivery_suppressed():
        _orders(ctx, orders)
    sla_sweep(now=now)
    for app in apps.get_app_configs():
        if not app.name.startswith("hotline.") or app.name == "hotline.demo":
            continue
        try:
            module = importlib.import_module(f"{app.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.demo":
                raise
            continue
        module.load(ctx)
    ctx.logins = demo_logins()
    return ctx


def demo_city(ctx: DemoContext) -> None:
    """The city without its orders: divisions, units, the category tree and the staff of every role (what
    an app's demo module needs to be tried on its own)."""
    with transaction.atomic():
        _divisions_and_units(ctx)
        _categories(ctx)
        _staff(ctx)


def _add_root(model: type[Node], **fields: Any) -> Node:
    return model.objects.add_root(instance=model(**fields))


def _add_child(parent: Node, **fields: Any) -> Node:
    model = type(parent)
    fresh = model.objects.get(pk=parent.pk)  # treebeard needs the parent's current numchild
    return model.objects.add_child(fresh, instance=model(**fields))


def _divisions_and_units(ctx: DemoContext) -> None:
    province = _add_root(
        Division, code=data.PROVINCE[0], name=data.PROVINCE[1], level=Division.Level.PROVINCE
    )
    city = _add_child(province, code=data.CITY[0], name=data.CITY[1], level=Division.Level.CITY)
    center = _add_root(Unit, code="C", name=f"{data.CITY[1]}12345政务服务便民热线中心", kind=Unit.Kind.CENTER)
    ctx.units["C"] = center
    for code, name, short, _slug, _ in data.DEPARTMENTS:
        unit = _add_root(Unit, code=code, name=name, short_name=short, kind=Unit.Kind.DEPARTMENT)
        unit.divisions.add(city)
        ctx.units[code] = unit
    for code, name, short, _slug in data.UTILITIES:
        unit = _add_root(Unit, code=code, name=name, short_name=short, kind=Unit.Kind.UTILITY)
        unit.divisions.add(city)
        ctx.units[code] = unit
    for index, (suffix, name, _slug, streets) in enumerate(data.DISTRICTS):
        district = _add_child(city, code=f"9901{suffix}000000", name=name, level=Division.Level.DISTRICT)
        gov_code = f"G{suffix}"
        gov = _add_root(Unit, code=gov_code, name=f"{name}人民政府", short_name=name, kind=Unit.Kind.DISTRICT)
        gov.divisions.add(district)
        ctx.units[gov_code] = gov
        for number, (street_name, _street_slug) in enumerate(streets, start=1):
            street_div = _add_child(
                district, code=f"9901{suffix}{number:03d}000", name=street_name, level=Division.Level.STREET
            )
            kind_name = "人民政府" if street_name.endswith(("镇", "乡")) else "办事处"
            street_unit = _add_child(
                gov,
                code=f"{gov_code}S{number:02d}",
                name=f"{street_name}{kind_name}",
                short_name=street_name,
                kind=Unit.Kind.STREET,
            )
            street_unit.divisions.add(street_div)
            ctx.units[street_unit.code] = street_unit
            ctx.streets[street_div.code] = street_unit
            ctx.divisions.append(street_div)
            for c_number, community in enumerate(data.COMMUNITIES[: 2 + index % 3], start=1):
                ctx.divisions.append(
                    _add_child(
                        street_div,
                        code=f"9901{suffix}{number:03d}{c_number:03d}",
                        name=community,
                        level=Division.Level.COMMUNITY,
                    )
                )
    for code, name, short, _slug in data.WORKSTATIONS:
        county = "青溪县" if code == "W21" else "白石县"
        parent = ctx.units["G21" if code == "W21" else "G22"]
        unit = _add_child(parent, code=code, name=name, short_name=short, kind=Unit.Kind.WORKSTATION)
        unit.divisions.add(Division.objects.get(name=county))
        ctx.units[code] = unit
    for unit in Unit.objects.exclude(kind=Unit.Kind.CENTER):
        UnitContact.objects.create(
            unit=unit,
            name=f"{unit.short_name or unit.name}联络员",
            position="热线联络员",
            phone=f"0571-8{ctx.rng.randrange(1000000, 9999999)}",
        )
    ctx.units = {unit.code: unit for unit in Unit.objects.all()}


def _categories(ctx: DemoContext) -> None:
    for code, name, children in data.CATEGORIES:
        root = _add_root(Category, code=code, name=name)
        for l2_index, (l2_name, leaves) in enumerate(children.items(), start=1):
            l2 = _add_child(root, code=f"{code}{l2_index:03d}", name=l2_name)
            for l3_index, l3_name in enumerate(leaves, start=1):
                leaf = _add_child(l2, code=f"{code}{l2_index:03d}{l3_index:03d}", name=l3_name)
                ctx.categories[l3_name] = leaf


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once: a deliberately slow hash per account would cost the demo half a second each."""
    return make_password(data.DEMO_PASSWORD)


def _user(ctx: DemoContext, username: str, role: str, unit: Unit, name: str) -> User:
    user = User.objects.create(
        username=username,
        password=_demo_password_hash(),
        role=role,
        unit=unit,
        display_name=name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    ctx.users[username] = user
    return user


def _staff(ctx: DemoContext) -> None:
    center = ctx.units["C"]
    _user(ctx, "admin", Role.ADMIN, center, "系统管理员")
    for number in (1, 2, 3):
        _user(ctx, f"agent{number}", Role.AGENT, center, f"话务员{number}号")
    for number in (1, 2):
        _user(ctx, f"dispatcher{number}", Role.DISPATCHER, center, f"派单员{number}号")
    _user(ctx, "supervisor1", Role.SUPERVISOR, center, "督办科")
    _user(ctx, "leader1", Role.LEADER, center, "分管领导")
    slugs = {code: slug for code, _, _, slug, _ in data.DEPARTMENTS}
    slugs.update({code: slug for code, _, _, slug in data.UTILITIES + data.WORKSTATIONS})
    for suffix, _, slug, streets in data.DISTRICTS:
        slugs[f"G{suffix}"] = slug
        for number, (_, street_slug) in enumerate(streets, start=1):
            slugs[f"G{suffix}S{number:02d}"] = street_slug
    for code, slug in slugs.items():
        unit = ctx.units[code]
        _user(ctx, slug, Role.UNIT_HANDLER, unit, f"{unit.short_name or unit.name}承办人")
        if unit.kind in (Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT):
            _user(ctx, f"{slug}_lead", Role.UNIT_LEADER, unit, f"{unit.short_name or unit.name}负责人")


# ---------------------------------------------------------------------------------------------------------
# Orders


class _Clock:
    """Simulated time of one order's story; stops the story when it would pass the real now."""

    def __init__(self, start: dt.datetime, now: dt.datetime, rng: random.Random):
        self.at, self.now, self.rng = start, now, rng

    def advance(self, low_hours: float, high_hours: float) -> bool:
        step = dt.timedelta(hours=self.rng.uniform(low_hours, high_hours))
        if self.at + step > self.now:
            return False
        self.at += step
        return True


def _orders(ctx: DemoContext, count: int) -> None:
    rng = ctx.rng
    agents = [ctx.users[f"agent{n}"] for n in (1, 2, 3)]
    dispatchers = [ctx.users["dispatcher1"], ctx.users["dispatcher2"]]
    handlers = {
        user.unit_id: user for user in ctx.users.values() if user.role == Role.UNIT_HANDLER and user.unit_id
    }
    leaves = list(data.PHRASES)
    channels = [code for code, weight in CHANNEL_WEIGHTS for _ in range(weight)]
    starts = sorted(ctx.now - dt.timedelta(days=rng.uniform(0, 90)) for _ in range(count))
    recent_open: list[WorkOrder] = []
    for start in starts:
        leaf = rng.choice(leaves)
        with transaction.atomic():
            order = _one_order(
                ctx, rng, start, leaf, rng.choice(channels), agents, dispatchers, handlers, recent_open
            )
        if order is not None and order.is_open:
            recent_open = [*recent_open[-30:], order]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(0, 10)}{rng.randrange(10000000, 99999999)}"


def _one_order(
    ctx: DemoContext,
    rng: random.Random,
    start: dt.datetime,
    leaf: str,
    channel: str,
    agents: list[User],
    dispatchers: list[User],
    handlers: dict[Any, User],
    recent_open: list[WorkOrder],
) -> WorkOrder | None:
    request_type, title, content = data.PHRASES[leaf]
    division = rng.choice(ctx.divisions)
    street_div = (
        division if division.level == Division.Level.STREET else Division.objects.get_parent(division)
    )
    place = f"{street_div.name}{rng.choice(data.PLACES)}"
    clock = _Clock(start, ctx.now, rng)
    agent = rng.choice(agents)
    dispatcher = rng.choice(dispatchers)
    anonymous = rng.random() < 0.03
    caller = wo.Caller(
        name="" if anonymous else rng.choice(data.SURNAMES) + rng.choice(data.GIVEN),
        phone="" if anonymous else _phone(rng),
        confidential=rng.random() < 0.08,
        anonymous=anonymous,
    )
    phone_intake = channel == "phone"
    order = wo.workorder_intake(
        actor=agent if phone_intake else None,
        channel=channel,
        request_type=request_type,
        title=title.format(place=place),
        content=content.format(place=place),
        caller=caller,
        category=ctx.categories[leaf],
        location_text=place,
        division=division,
        urgency="urgent" if leaf in {"燃气泄漏隐患", "井盖缺失", "停电"} and rng.random() < 0.5 else "normal",
        now=clock.at,
        accept=phone_intake,
    )
    if not phone_intake:
        if not clock.advance(0.1, 3):
            return order
        roll = rng.random()
        if roll < 0.02:
            return wo.workorder_reject(order=order, actor=agent, reason_code="duplicate", now=clock.at)
        order = wo.workorder_accept(order=order, actor=agent, now=clock.at)
    roll = rng.random()
    if (request_type == "consult" and roll < 0.35) or roll < 0.04:
        return wo.workorder_answer(
            order=order, actor=agent, answer="已根据知识库为来电人解答。", now=clock.at
        )
    if roll < 0.07:
        if rng.random() < 0.3:
            return wo.workorder_reject(
                order=order,
                actor=agent,
                reason_code="emergency",
                transfer_to=rng.choice(["110", "119", "120"]),
                comment="已转接应急部门",
                now=clock.at,
            )
        return wo.workorder_reject(
            order=order,
            actor=agent,
            reason_code=rng.choice(["legal_process", "jurisdiction", "petition"]),
            now=clock.at,
        )
    if roll < 0.09:
        masters = [o for o in recent_open if o.category_id == order.category_id and o.pk != order.pk]
        if masters:
            master = WorkOrder.objects.get(pk=masters[-1].pk)
            if master.is_open and not master.master_id:
                return wo.workorder_merge(order=order, master=master, actor=agent, now=clock.at)
    if not clock.advance(0.2, 6):
        return order
    lead_ref, assist_codes = data.ROUTES[leaf]
    lead = ctx.streets[street_div.code] if lead_ref == "street" else ctx.units[lead_ref.split(":")[1]]
    assists = [ctx.units[code] for code in assist_codes]
    if rng.random() < 0.04:
        order = wo.workorder_escalate(
            order=order, actor=dispatcher, comment="职责交叉，请领导批示", now=clock.at
        )
        if not clock.advance(1, 24):
            return order
        order = wo.workorder_instruct(
            order=order,
            actor=ctx.users["leader1"],
            instruction=f"请{lead.short_name or lead.name}牵头办理，限期答复。",
            now=clock.at,
        )
        if not clock.advance(0.2, 2):
            return order
    if rng.random() < 0.08:
        wrong = rng.choice(
            [u for u in ctx.units.values() if u.kind == Unit.Kind.DEPARTMENT and u.pk != lead.pk]
        )
        order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=wrong, now=clock.at)
        if not clock.advance(0.5, 4):
            return order
        try:
            order = wo.workorder_return(
                order=order,
                actor=handlers[wrong.pk],
                reason="该事项不属于本单位职责，建议转属地处理。",
                now=clock.at,
            )
        except ApplicationError:
            return order  # past the return window: the wrong unit keeps it, as in life
        if not clock.advance(0.5, 6):
            return order
        accept = rng.random() < 0.85
        order = wo.workorder_review_return(
            order=order,
            actor=dispatcher,
            accept=accept,
            comment="" if accept else "属于你单位职责范围",
            now=clock.at,
        )
        if not accept:
            lead = wrong
            assists = []
        elif not clock.advance(0.1, 2):
            return order
    if order.status in ("awaiting_dispatch", "returned"):
        order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=lead, assists=assists, now=clock.at)
    return _handle(ctx, rng, order, clock, lead, assists, agent, dispatcher, handlers)


def _handle(
    ctx: DemoContext,
    rng: random.Random,
    order: WorkOrder,
    clock: _Clock,
    lead: Unit,
    assists: list[Unit],
    agent: User,
    dispatcher: User,
    handlers: dict[Any, User],
) -> WorkOrder:
    lead_user = handlers[lead.pk]
    if order.status == "dispatched":
        if not clock.advance(0.2, 8):
            return order
        order = wo.workorder_sign(order=order, actor=lead_user, now=clock.at)
    for unit in assists:
        if not clock.advance(0.2, 6):
            return order
        wo.workorder_sign(order=order, actor=handlers[unit.pk], now=clock.at)
    if rng.random() < 0.5:
        if not clock.advance(4, 40):
            return order
        order = wo.workorder_note(
            order=order, actor=lead_user, text="已受理，正在现场核查并协调相关方处理。", now=clock.at
        )
    if rng.random() < 0.06:
        if not clock.advance(2, 30):
            return order
        due = order.assignments.get(unit=lead, state="signed").due_at or clock.at
        request = wo.workorder_request_extension(
            order=order,
            actor=lead_user,
            until=due + dt.timedelta(days=7),
            reason="需协调多个部门，申请延期。",
            now=clock.at,
        )
        if not clock.advance(1, 10):
            return order
        order = wo.workorder_decide_extension(
            request=request, actor=dispatcher, approve=rng.random() < 0.8, now=clock.at
        )
    for unit in assists:
        if not clock.advance(4, 48):
            return order
        wo.workorder_contribute(
            order=order, actor=handlers[unit.pk], text="我单位已配合完成相关工作。", now=clock.at
        )
    if not clock.advance(8, 120):
        return order
    solved = rng.random() < 0.9
    order = wo.workorder_reply(
        order=order,
        actor=lead_user,
        solved=solved,
        now=clock.at,
        text="经核查，情况属实，已安排人员现场处理完毕，并与诉求人电话沟通。"
        if solved
        else "经核查，该问题涉及历史遗留，暂无法彻底解决，已向诉求人解释说明。",
    )
    if not clock.advance(0.5, 12):
        return order
    if rng.random() < 0.08:
        order = wo.workorder_review_reply(
            order=order,
            actor=dispatcher,
            accept=False,
            comment="答复内容不具体，请补充处理结果。",
            now=clock.at,
        )
        if not clock.advance(4, 48):
            return order
        order = wo.workorder_reply(
            order=order,
            actor=lead_user,
            solved=solved,
            now=clock.at,
            text="补充答复：已完成整改，并拍照留存，诉求人表示认可。",
        )
        if not clock.advance(0.5, 12):
            return order
    order = wo.workorder_review_reply(order=order, actor=dispatcher, accept=True, now=clock.at)
    if order.status != "awaiting_callback" or not clock.advance(2, 48):
        return order
    roll = rng.random()
    satisfaction = "satisfied" if roll < 0.82 else "basically" if roll < 0.93 else "dissatisfied"
    solved_said = solved and satisfaction != "dissatisfied"
    order = wo.workorder_callback(
        order=order, actor=agent, satisfaction=satisfaction, solved=solved_said, now=clock.at
    )
    reopen = satisfaction == "dissatisfied" and not solved_said and order.reopen_count == 0
    if reopen and rng.random() < 0.6 and clock.advance(1, 8):
        order = wo.workorder_reopen(
            order=order, actor=agent, comment="群众反映问题仍未解决，重新交办。", now=clock.at
        )
        if clock.advance(0.5, 4):
            order = wo.workorder_dispatch(order=order, actor=dispatcher, lead=lead, now=clock.at)
            order = _handle(ctx, rng, order, clock, lead, [], agent, dispatcher, handlers)
    return order
