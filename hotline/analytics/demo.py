"""The analysis app's part of the demo city (made-up data): a planted hot issue at one residential
compound and one among a group of people, a burst of water cuts today that raises an early warning, the
aggregates built, the hot issues computed, and the compound's issue promoted to this month's theme."""

from __future__ import annotations

import datetime as dt

from hotline.demo.services import DemoContext
from hotline.directory.models import Division
from hotline.workorders import services as wo

from . import synthetic
from .counters import rebuild
from .earlywarning.services import scan
from .hotspots.signatures import missing_signatures, sign_orders
from .selectors import hot_issues
from .themes import theme_add_task, theme_promote, theme_report


def _phone(ctx: DemoContext) -> str:
    return f"13{ctx.rng.randrange(0, 10)}{ctx.rng.randrange(10**8):08d}"


def load(ctx: DemoContext) -> None:
    agent = ctx.users["agent1"]
    streets = [d for d in ctx.divisions if d.level == Division.Level.STREET]
    compound_street = streets[2 % len(streets)]
    place = f"{compound_street.name}{synthetic.PLANTED['elevator']['place']}"
    elevator = ctx.categories.get("电梯故障")
    for index, text in enumerate(synthetic.planted(ctx.rng, "elevator", 14)):
        at = ctx.now - dt.timedelta(days=10) + dt.timedelta(hours=16 * index + ctx.rng.randrange(6))
        wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="complaint",
            title=text.title,
            content=text.content,
            caller=wo.Caller(name=f"居民{index + 1}", phone=_phone(ctx)),
            category=elevator,
            location_text=place,
            division=compound_street,
            now=at,
        )
    traffic = ctx.categories.get("非法营运")
    for index, text in enumerate(synthetic.planted(ctx.rng, "ride_hailing", 8)):
        wo.workorder_intake(
            actor=None,
            channel="app",
            request_type="complaint",
            title=text.title,
            content=text.content,
            caller=wo.Caller(phone=_phone(ctx)),
            category=traffic,
            now=ctx.now - dt.timedelta(days=6) + dt.timedelta(hours=17 * index),
            accept=False,
        )
    # a water main burst this morning: many calls about a water cut in one street (突发性)
    burst_street = streets[3 % len(streets)]
    category = ctx.categories.get("停水")
    today = ctx.now.replace(hour=7, minute=0, second=0, microsecond=0)
    for index in range(14):
        at = min(ctx.now, today + dt.timedelta(minutes=9 * index))
        wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="help",
            title=f"{burst_street.name}锦绣家园突然停水",
            content=f"{burst_street.name}锦绣家园从早上开始停水，路口有水管爆裂，水流到路面上，请尽快抢修。",
            caller=wo.Caller(phone=_phone(ctx)),
            category=category,
            location_text=f"{burst_street.name}锦绣家园",
            division=burst_street,
            now=at,
        )
    rebuild()
    sign_orders(
        missing_signatures(since=ctx.now - dt.timedelta(days=120), until=ctx.now + dt.timedelta(days=1))
    )
    scan(now=ctx.now)
    issues = hot_issues(since=ctx.now - dt.timedelta(days=30), until=ctx.now + dt.timedelta(minutes=1), top=5)
    compound = str(synthetic.PLANTED["elevator"]["place"])[:3]
    issue = next((i for i in issues if compound in i.place), None)
    if issue is None:
        return
    supervisor = ctx.users["supervisor1"]
    unit = next((u for u in ctx.units.values() if u.code == "D09"), None)  # 市场监管局: special equipment
    theme = theme_promote(
        actor=supervisor,
        title=f"{issue.place}电梯频繁故障",
        description="同一小区多名居民反映电梯频繁故障、困人，物业维修不及时。",
        month=ctx.now.date(),
        orders=issue.orders,
        now=ctx.now,
        place=issue.place,
        place_key="翠竹苑",
        district=issue.district,
        keywords=issue.keywords,
        score=issue.score,
        lead_unit=unit,
        owner=supervisor,
    )
    if unit is not None:
        task = theme_add_task(
            theme=theme,
            actor=supervisor,
            title="组织特种设备检验机构对小区全部电梯检测",
            unit=unit,
            due_on=ctx.now.date() + dt.timedelta(days=14),
            now=ctx.now,
        )
        theme_report(
            theme=theme, actor=supervisor, task=task, text="已约谈物业公司，检测安排在下周。", now=ctx.now
        )
