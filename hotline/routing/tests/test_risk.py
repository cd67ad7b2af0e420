"""Emergency language: recall on realistic phrasings matters more than precision; and the caller flags."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.routing.risk import assess, caller_flags

# How callers actually say it, typed by an agent as they speak (口语, no punctuation, words in between).
EMERGENCIES = [
    ("self_harm", "我不想活了，活着没意思", "110"),
    ("self_harm", "我老公说要跳楼，现在人站在楼顶上", "110"),
    ("self_harm", "欠了一身债实在活不下去了", "110"),
    ("self_harm", "我妈喝了农药，人在家里", "110"),
    ("self_harm", "邻居小伙子说要自杀已经写了遗书", "110"),
    ("self_harm", "孩子被学校处分后说想死，把自己锁在房间", "110"),
    ("self_harm", "他吃了一整瓶安眠药 吃了安眠药", "110"),
    ("self_harm", "讨薪无果工友说要以死相逼", "110"),
    ("fire", "楼下着火了浓烟很大", "119"),
    ("fire", "小区垃圾站起火了，火势越来越大", "119"),
    ("fire", "厨房油锅烧起来了怎么办", "119"),
    ("fire", "对面仓库冒火光，还有爆炸声", "119"),
    ("fire", "电动车在楼道充电烧着了", "119"),
    ("fire", "刚才隔壁工厂发生爆炸", "119"),
    ("gas", "楼道里煤气味好大，好像漏气了", "119"),
    ("gas", "闻到很重的燃气味，不敢开灯", "119"),
    ("gas", "家里天然气管道泄漏了", "119"),
    ("gas", "液化气罐漏气了嘶嘶响", "119"),
    ("gas", "老人在家好像煤气中毒了", "119"),
    ("violence", "有人拿刀在菜市场砍人", "110"),
    ("violence", "我老公喝醉了又在打我", "110"),
    ("violence", "邻居家暴，女的一直在喊救命", "110"),
    ("violence", "门口有人在砸门说要杀了我", "110"),
    ("violence", "刚刚在公交站被抢包了", "110"),
    ("violence", "有人撬门入室，现在还在屋里", "110"),
    ("violence", "广场上一群人正在打架，有人受伤", "110"),
    ("violence", "我被人打了，他们还在门口", "110"),
    ("medical", "我爸突然晕倒了叫不醒", "120"),
    ("medical", "老人在路边摔倒了不省人事", "120"),
    ("medical", "孩子抽搐口吐白沫", "120"),
    ("medical", "工地有人触电了", "120"),
    ("medical", "我喘不上气，胸口很痛", "120"),
    ("medical", "他流了很多血，快不行了", "120"),
    ("medical", "刚才吃完饭全家食物中毒，现在上吐下泻", "120"),
    ("medical", "有人溺水了，快来人", "120"),
    ("traffic", "和平路口有车撞人了", "122"),
    ("traffic", "刚才发生车祸，有人躺在地上", "122"),
    ("traffic", "一辆货车侧翻在高架上", "122"),
    ("traffic", "我被车撞了，司机肇事逃逸", "122"),
    ("traffic", "高速上追尾了现在堵住了", "122"),
    ("flood", "小区地下室进水很深，有车主被困", "119"),
    ("flood", "雨太大了家里被水淹了，水已经齐腰深", "119"),
    ("flood", "电梯停在半空，我们困在电梯里出不来", "119"),
    ("flood", "有个小孩掉进河里了", "119"),
    ("flood", "山体滑坡，现在路上有车被埋", "119"),
    ("flood", "老房子墙体开裂楼要塌了", "119"),
    ("flood", "村里的堤坝决堤了，赶紧来人", "119"),
]

# Safety hazards: urgent, but told as a risk, not happening now — no transfer prompt.
HAZARDS = [
    ("fire", "楼道堆满杂物存在火灾隐患"),
    ("fire", "消防通道被占，一旦发生火灾消防车进不来"),
    ("flood", "去年小区地下室被水淹过，今年汛期担心再淹"),
    ("medical", "我去年出了车祸骨折，现在工伤认定还没下来"),
]

ORDINARY = [
    "小区停水三天无人处理",
    "幸福里小区自周一起停水，物业称管网维修，至今未恢复。",
    "楼下餐馆油烟直排，无法开窗",
    "请问灵活就业人员怎么缴纳养老保险",
    "公交车过站不停，司机态度不好",
    "孩子转学手续怎么办理",
    "路灯不亮一个多月了",
    "健身房关门无法退卡",
    "表扬政务服务中心窗口工作人员",
    "夜间施工噪音影响休息，被打扰得睡不着",
    "请打我电话告知处理结果",
    "我都气炸了，物业收费不开发票",
    "审批材料卡在街道好几个月了",
]


@pytest.mark.parametrize(("kind", "text", "number"), EMERGENCIES)
def test_emergency_phrasings_raise_the_transfer_prompt(kind, text, number):
    result = assess(text)
    assert result.emergency, text
    assert kind in [flag.code for flag in result.flags if not flag.hazard_only], (text, result.flags)
    assert number in result.transfer_to


def test_emergency_recall_over_the_whole_set():
    found = sum(assess(text).emergency for _, text, _ in EMERGENCIES)
    assert found / len(EMERGENCIES) >= 0.98


@pytest.mark.parametrize(("kind", "text"), HAZARDS)
def test_hazards_are_urgent_without_a_transfer(kind, text):
    result = assess(text)
    assert result.urgent and not result.emergency
    assert kind in [flag.code for flag in result.flags]
    assert all(flag.hazard_only for flag in result.flags)
    assert result.transfer_to == []


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_requests_raise_nothing(text):
    assert not assess(text).flags


def test_traditional_and_full_width_text_is_understood():
    assert assess("樓下著火了！").emergency
    assert assess("ＸＸ小區煤氣味好大").emergency


@pytest.mark.django_db
def test_repeat_caller_same_matter(make_order, now, run_commits):
    with run_commits():
        first = make_order(phone="13900001111", at=now - dt.timedelta(days=3))
        make_order(
            phone="13900001111",
            title="咨询社保缴费",
            content="灵活就业人员怎么缴纳养老保险？",
            at=now - dt.timedelta(days=2),
        )
    flags = caller_flags(
        phone="13900001111",
        now=now,
        title="幸福里小区又停水了",
        content="东湖街道幸福里小区还是停水，管网维修一直没修好",
    )
    assert flags.recent_orders == 2
    assert flags.repeat and flags.repeat_orders == [first.number]
    other = caller_flags(phone="13900001111", now=now, title="路灯不亮", content="和平路路灯坏了一个月")
    assert not other.repeat
    assert not flags.harassment


@pytest.mark.django_db
def test_harassment_threshold_is_configurable(make_order, now, settings, run_commits):
    for hours in range(4):
        make_order(
            phone="13700002222",
            title=f"第{hours}次来电",
            content="没什么事，就是想聊聊",
            at=now - dt.timedelta(hours=hours + 1),
        )
    assert not caller_flags(phone="13700002222", now=now).harassment
    settings.HOTLINE_ROUTING_HARASSMENT_THRESHOLD = 4
    flags = caller_flags(phone="13700002222", now=now)
    assert flags.harassment and "4" in flags.harassment_reasons[0]


@pytest.mark.django_db
def test_earlier_harassment_rejections_flag_the_caller(make_order, agent, now):
    from hotline.workorders import services as wo

    for n in range(2):
        order = make_order(
            phone="13600003333", title=f"骚扰{n}", content="辱骂话务员", at=now - dt.timedelta(days=20 + n)
        )
        wo.workorder_reject(
            order=order, actor=agent, reason_code="harassment", now=now - dt.timedelta(days=20 + n)
        )
    flags = caller_flags(phone="13600003333", now=now)
    assert flags.harassment
    assert caller_flags(phone="", now=now).recent_orders == 0
