"""Made-up request texts for tests, the benchmark and the demo: everyday problems at invented places, and
*planted* hot issues (many callers, one place or one group of people, one problem, worded differently).
Nothing here comes from real citizen data."""

from __future__ import annotations

import random
from dataclasses import dataclass

PLACES = [
    "翠竹苑小区", "银杏家园", "枫林湾", "临江路", "梧桐大道", "望湖花园", "青石巷", "海棠小区", "松涛苑", "金沙路",
    "南屏新村", "云栖小区", "东篱花园", "北辰大厦", "星河湾", "春晓路", "落霞小区", "秋水苑", "白鹭湾", "杏花村",
    "玉泉路", "紫薇花园", "兰亭小区", "凤鸣路", "锦江家园", "桃源新村", "晨光小区", "明月湾", "朝阳路", "清风苑",
    "石榴小区", "长乐路", "安平新村", "永宁花园", "福寿巷", "红枫小区", "绿洲家园", "和谐路", "书香苑", "嘉禾小区",
    "碧水湾", "丹桂花园", "芳草路", "启航大道", "远山小区", "近水苑", "静安新村", "如意小区", "吉祥路", "平湖花园",
    "北港码头", "西郊菜市场", "城南中学", "实验小学", "第三人民医院", "滨湖公园", "高铁站", "工业园区", "文化广场",
    "体育中心",
]  # fmt: skip
NAMES = [
    a + b for a in "金银玉锦华瑞祥和康泰福安宁丰盛嘉翠碧紫青" for b in "桂竹枫荷江河湖溪岭峰泉湾林源桥塘"
]
DISTRICTS = ["东湖区", "西江区", "南山区", "北岸区", "临港新区"]

# (title, content) templates; {p} is the place.
AT_PLACE = [
    ("{p}路灯不亮", "{p}附近路灯已经很久不亮了，晚上出行很不安全，请相关部门修理。"),
    ("{p}垃圾清运不及时", "{p}垃圾桶满了好几天没人清运，臭味很大，蚊虫很多。"),
    ("{p}占道经营", "{p}门口每天有摊贩占道经营，行人只能走到机动车道上。"),
    ("{p}停车收费不合理", "{p}物业突然提高停车费，没有经过业主大会同意。"),
    ("{p}下水道堵塞", "{p}下水道堵塞，污水漫到路面上，气味难闻。"),
    ("{p}楼道堆放杂物", "{p}楼道里堆满了杂物，存在消防安全隐患。"),
    ("{p}树木遮挡采光", "{p}楼前的树长得太高，挡住了低层住户的阳光，希望修剪。"),
    ("{p}自来水浑浊", "{p}这几天自来水发黄浑浊，不敢喝，请检测水质。"),
    ("{p}路面坑洼", "{p}路面有好几个大坑，下雨积水，电动车容易摔倒。"),
    ("{p}广场舞噪音", "{p}晚上广场舞音响声音太大，影响居民休息。"),
    ("{p}违章搭建", "{p}有住户在楼顶违章搭建彩钢房，请城管核查。"),
    ("{p}井盖松动", "{p}一个井盖松动，车辆经过哐哐响，还有安全隐患。"),
    ("{p}宠物狗扰民", "{p}有人遛狗不拴绳，狗粪到处都是，还吓到小孩。"),
    ("{p}公交站台破损", "{p}公交站台的顶棚破了，下雨天候车的人都被淋湿。"),
    ("{p}快递柜占用消防通道", "{p}快递柜放在消防通道上，消防车进不来。"),
    ("{p}物业服务差", "{p}物业收了物业费却不打扫卫生，门禁也一直是坏的。"),
    ("{p}地下室漏水", "{p}地下室漏水严重，车位上都是积水，车都停不了。"),
    ("{p}油烟直排", "{p}楼下饭店油烟直接排到居民楼，家里不敢开窗。"),
    ("{p}共享单车乱停", "{p}门口共享单车乱停乱放，把人行道都堵死了。"),
    ("{p}燃气管道老化", "{p}燃气管道锈迹斑斑，闻到过燃气味，担心泄漏。"),
    ("{p}夜间施工", "{p}旁边工地半夜还在打桩，吵得睡不着觉。"),
    ("{p}电梯年检过期", "{p}电梯的年检标志已经过期半年，不知道还能不能用。"),
    ("{p}绿化带被毁", "{p}小区绿化带被人铲掉种菜，希望恢复绿化。"),
    ("{p}消防栓没水", "{p}楼里的消防栓打开没有水，万一着火怎么办。"),
    ("{p}外墙脱落", "{p}外墙瓷砖脱落，砸坏了楼下的车，太危险了。"),
]
ALONE = [
    ("社保卡补办咨询", "社保卡丢了，请问在哪里补办，需要带什么材料？"),
    ("公积金提取咨询", "想提取住房公积金还房贷，请问线上怎么办理？"),
    ("护照办理咨询", "第一次办护照，需要预约吗，多长时间能拿到？"),
    ("新生儿医保办理", "孩子刚出生，怎么给新生儿办理医保，要去哪里？"),
    ("驾驶证换证咨询", "驾驶证快到期了，异地可以换证吗？"),
    ("居住证办理条件", "外地户口在本市工作，办理居住证需要什么条件？"),
    ("个体户营业执照注销", "个体户不做了，营业执照怎么注销？"),
    ("高龄津贴申请", "家里老人满八十岁了，高龄津贴怎么申请？"),
    ("失业金领取条件", "公司裁员了，请问失业保险金怎么领取？"),
    ("出生证明补办", "孩子的出生医学证明丢了，能补办吗？"),
]

# Planted issues: many callers, one problem, several wordings.
PLANTED: dict[str, dict[str, object]] = {
    "elevator": {
        "place": "翠竹苑小区",
        "texts": [
            (
                "翠竹苑小区电梯频繁故障困人",
                "翠竹苑小区3栋电梯这个月已经坏了四次，昨天又把老人困在里面一个多小时。",
            ),
            (
                "翠竹苑电梯又坏了",
                "翠竹苑小区的电梯三天两头故障停运，物业维修后没几天又坏，老人小孩上下楼很困难。",
            ),
            (
                "翠竹苑小区电梯存在安全隐患",
                "翠竹苑小区电梯运行时异响抖动，还经常困人，请特种设备部门检查电梯。",
            ),
            (
                "反映翠竹苑小区电梯故障",
                "翠竹苑小区5栋电梯故障停运一周了，住在高层的老人没法下楼，物业说在等配件。",
            ),
            (
                "翠竹苑小区电梯困人无人管",
                "今天翠竹苑小区电梯再次困人，打物业电话半小时才来人，电梯故障太频繁了。",
            ),
        ],
    },
    "ride_hailing": {
        "place": "",
        "texts": [
            ("网约车平台抽成太高", "我是网约车司机，平台抽成越来越高，司机一天跑十几个小时收入还在下降。"),
            (
                "网约车司机反映平台乱扣费",
                "网约车平台随意扣司机的钱，抽成比例不公开，希望有关部门监管网约车平台。",
            ),
            (
                "请求规范网约车平台抽成",
                "作为网约车司机，平台抽成超过三成，订单还被随意派给别人，司机权益得不到保障。",
            ),
            (
                "网约车平台抽成不透明",
                "网约车平台每单抽成不透明，司机申诉也没人理，请交通部门管管网约车平台。",
            ),
        ],
    },
    "night_work": {
        "place": "临江路",
        "texts": [
            (
                "临江路夜间施工噪音扰民",
                "临江路修路工地每天夜里十二点以后还在施工，挖掘机噪音很大，周边居民无法入睡。",
            ),
            ("临江路工地半夜施工", "临江路道路改造工程半夜施工，噪音扰民严重，已经持续两周了。"),
            ("投诉临江路夜间施工", "临江路施工单位晚上违规施工，机器轰鸣到凌晨，孩子第二天还要上学。"),
            ("临江路施工噪音太大", "临江路道路施工夜里不停工，噪音太大了，请环保部门查处夜间施工。"),
        ],
    },
}


@dataclass(frozen=True)
class Text:
    title: str
    content: str
    location: str
    kind: str  # "noise" or the planted issue's name


def noise(rng: random.Random, count: int, *, places: list[str] | None = None) -> list[Text]:
    """``count`` unrelated requests: each place-bound problem at most once per place, each place-less
    question at most once, so that nothing in the noise belongs together."""
    places = places or [p for p in PLACES if p not in ("翠竹苑小区", "临江路")]
    combos = [(t, p) for t in AT_PLACE for p in places]
    rng.shuffle(combos)
    alone = list(ALONE)
    rng.shuffle(alone)
    result: list[Text] = []
    for (title, content), place in combos[: max(0, count - len(alone[: count // 10]))]:
        district = rng.choice(DISTRICTS)
        result.append(Text(title.format(p=place), content.format(p=place), f"{district}{place}", "noise"))
    for title, content in alone[: count - len(result)]:
        result.append(Text(title, content, "", "noise"))
    return result[:count]


def planted(rng: random.Random, name: str, count: int) -> list[Text]:
    """``count`` requests of a planted issue, each worded as one of its variants with small changes."""
    issue = PLANTED[name]
    place = str(issue["place"])
    texts = list(issue["texts"])  # type: ignore[call-overload]
    result = []
    for index in range(count):
        title, content = texts[index % len(texts)]
        if index >= len(texts):
            content = content + rng.choice(
                ["希望尽快解决。", "请领导重视。", "已经反映多次了。", "谢谢！", ""]
            )
        result.append(Text(title, content, place, name))
    return result


def varied(rng: random.Random) -> Text:
    """One request for large generated sets (the benchmark): a problem at one of a few thousand places,
    with random detail, so that repeats are like real ones (same problem, same place, other words)."""
    title, content = rng.choice(AT_PLACE)
    place = f"{rng.choice(NAMES)}{rng.choice(['小区', '苑', '花园', '路', '家园', '新村', '大厦', '广场'])}"
    detail = rng.choice(
        ["已经一个星期了。", "多次反映无果。", "请尽快处理。", "影响很大。", "", "希望有关部门重视。"]
    )
    district = rng.choice(DISTRICTS)
    return Text(title.format(p=place), content.format(p=place) + detail, f"{district}{place}", "noise")
