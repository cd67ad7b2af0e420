"""Place resolution: the specific place an order is about (a residential compound, a road, a school, a
market …) and its district, found in the order's place field, title and text.

The text is segmented with ``hotline.text.segment`` (the deployment's dictionary keeps division, unit and
category names whole). A specific place is a word that ends in a place ending (小区, 花园, 路, 村, 中学,
医院 …) together with the name-like words right before it: nouns, place names and words the dictionary
does not know (most proper names), never verbs, pronouns, prepositions or the handful of common nouns
listed in ``_NOT_NAMES``. Administrative names — the deployment's divisions, and the masked forms of
exported data (A市, A2区) — are coarse places: they give the district, never the specific place.

Two mentions name the same place when their keys are equal: the key is the name without a trailing
小区/社区.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from hotline.core import refcache


def _words(text: str) -> list[str]:
    """Word lists are written as one space-separated string: easier to read and to extend."""
    return text.split()


ENDINGS = frozenset(
    _words(
        "工业园区 产业园区 开发区 小区 花园 家园 公寓 大厦 广场 新村 社区 村委会 居委会 苑 庭 府 湾 城 园 里 村 组 "
        "路 街 巷 大道 大街 桥 隧道 小学 中学 大学 学院 学校 幼儿园 医院 卫生院 市场 菜市场 商场 超市 公园 车站 "
        "地铁站 站 工地 楼盘 码头 机场 景区 宿舍 工业园 广场 中心"
    )
)
_ENDING_TUPLE = tuple(ENDINGS)
_LONG_ENDINGS = tuple(e for e in ENDINGS if len(e) >= 2)
# Words that end like a place but are not one.
_NOT_PLACES = frozenset(
    _words(
        "这里 那里 哪里 家里 心里 公里 夜里 村里 城里 县城 省城 城市 道路 马路 公路 出路 思路 网站 车站 学校 医院 "
        "市场 公园 广场 工地 小区 社区 花园 校园 乡村 农村 城区 全城 城乡 项目 宿舍 学院 大学 小学 中学 幼儿园 "
        "中心 政府 站 街 路 村 城 园 里 组 桥 湾 府 苑 庭 巷 一路 沿路 半路 走路 修路 让路 铺路 线路 电路 水路 "
        "套路 门路 来路 上路 带路 找路 迷路 各组 小组 本组 该村 本村 全村 各村 邻村 我村 附近 里面 这边 那边 满大街 "
        "大街小巷 党和政府 人民政府 市政府 县政府 区政府"
    )
)
_NOT_NAMES = frozenset(
    _words(
        "政府 问题 部门 领导 居民 业主 群众 市民 百姓 村民 情况 工作 单位 人员 我们 他们 大家 家长 学生 老师 "
        "教师 职工 员工 师傅 孩子 小孩 老人 社会 国家 人民政府 建议 投诉 举报 咨询 反映 关于 请求 要求 希望 附近 "
        "周边 旁边 门口 对面 所在 当地 本地 地方 管理 物业 开发商 公司 业委会 相关 有关 严重 长期 至今 已经 一直 "
        "目前 现在 今年 去年 明年 每天 晚上 早上 白天 夜间 全市 全县 全区 城区 市区 乡镇 农村 我家 家里 楼下 楼上 "
        "之前 以前 以后 最近 多次 没有 不能 无法 进行 存在 出现 发生 造成 影响 导致 位于 坐落 处于 属于 收费 停车 "
        "标准 安全 环境 卫生 噪音 油烟 垃圾 施工 改造 建设 拆迁 安置 补偿 工资 费用 交通 出行 道路 公交 地铁 "
        "设施 车辆 违章 违法 违规"
    )
)
_NAME_TAGS = frozenset(_words("n ns nr nz nt nrt nrfg ng j s f b a z tg zg vn"))
_PROPER_TAGS = frozenset(_words("ns nz nr nrt nrfg"))
# Single-character endings that follow a proper name only ("幸福里", "金桂园"), not a common noun ("公积金里").
_STRICT = frozenset(_words("里 城 园 组 府 庭 湾"))
# Masked administrative names of exported data (A市, A2区, K7县); written-out ones are found among the words.
_ADMIN = re.compile(
    r"[A-Z][0-9]{0,2}(?:市|区|县)(?!长|委)"
    # a town or street right after its county or district ("A7县黄兴镇", "A2区桂花坪街道")
    r"|(?<=[市区县])[\u4e00-\u9fff]{2,4}?(?:街道|镇|乡)(?!政府|党委|干部|卫生院|中学|小学|中心|村民)"
    # a district or county opening the text or following its city ("北岸区盛湖广场", "海澄市青溪县")
    r"|(?:^|(?<=[市省]))[\u4e00-\u9fff]{2,3}?(?:新区|(?<![小社景园城片辖校厂街学营矿灾禁专选牧林郊])区|县)(?=[\u4e00-\u9fff])"
)
_LEADING = set("的在于是我你他她们了和与及对从到把被让给向为住位该本这那个有请求建议投诉反映咨询关")
ADMIN_ENDINGS = ("自治州", "新区", "街道", "省", "市", "区", "县", "镇", "乡")
_TOWN_ENDINGS = ("镇", "乡")
_DISTRICT_ENDINGS = ("新区", "区", "县")
_NOT_ADMIN = frozenset(
    _words(
        "小区 社区 景区 园区 城区 市区 片区 辖区 校区 厂区 街区 学区 营区 矿区 山区 灾区 禁区 专区 选区 牧区 林区 郊区 "
        "开发区 工业园区 产业园区 高新区 保税区 示范区 商业区 住宅区 生活区 办公区 服务区 风景区 居住区 安置区 "
        "超市 城市 都市 夜市 菜市 股市 楼市 车市 城乡 家乡 老乡 下乡 故乡 异乡 城镇 乡镇 集镇 市镇 重镇 村镇 "
        "本市 全市 我市 该市 本县 全县 我县 该县 本区 全区 我区 该区 本省 全省 我省 外省 该省 各区 各县 各市"
    )
)
_MASKED_DISTRICT = re.compile(r"[A-Z][0-9]{1,2}(?:区|县)")
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]+$")


@dataclass(frozen=True)
class Place:
    key: str  # what mentions of the same place share
    label: str  # the place as written
    start: int
    end: int


@dataclass(frozen=True)
class Resolved:
    place: Place | None
    district: str  # the district's name ("" unknown)
    spans: tuple[tuple[int, int], ...]  # every place and administrative mention in the text


@dataclass(frozen=True)
class Gazetteer:
    """The deployment's divisions by name: which names are administrative, and the district of each."""

    districts: dict[str, str]  # division name or alias -> its district's name ("" above district level)
    pattern: re.Pattern[str] | None


def gazetteer() -> Gazetteer:
    return refcache.cached("analytics:gazetteer", _load_gazetteer)


def _load_gazetteer() -> Gazetteer:
    from django.db import DatabaseError

    from hotline.directory.models import Division

    try:
        rows = list(Division.objects.values_list("path", "name", "aliases", "level"))
    except DatabaseError:
        return Gazetteer({}, None)
    by_path = {path: (name, level) for path, name, _, level in rows}
    steplen = Division.steplen
    names: dict[str, str] = {}
    for path, name, aliases, level in rows:
        if level >= Division.Level.COMMUNITY:
            continue  # communities are specific places, found by their ending (社区)
        district = ""
        for depth in range(len(path) // steplen, 0, -1):
            ancestor = by_path.get(path[: depth * steplen])
            if ancestor and ancestor[1] == Division.Level.DISTRICT:
                district = ancestor[0]
                break
        for alias in [name, *(a.strip() for a in (aliases or "").split(","))]:
            if len(alias) >= 2:
                names.setdefault(alias, district)
    if not names:
        return Gazetteer({}, None)
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return Gazetteer(names, re.compile(alternatives))


@cache
def _tags() -> dict[str, str]:
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


def _ending(word: str, tags: dict[str, str]) -> str:
    """How ``word`` ends a place: "whole" — it is a place name by itself ("开元东路", "幸福里"); "bare" —
    a place ending or a common place noun ("小区", "路", "体育中心") that needs a name before it or the
    opening of the text; "" — not a place ending."""
    if word in ENDINGS:
        return "bare"
    if word in _NOT_PLACES or not word.endswith(_ENDING_TUPLE) or not _NAME_CHARS.match(word):
        return ""
    tag = tags.get(word)
    if tag is None or tag in _PROPER_TAGS:
        return "whole"
    if tag in ("n", "nz", "vn") and len(word) >= 3 and word.endswith(_LONG_ENDINGS):
        return "bare"
    return ""


def _proper(word: str, tags: dict[str, str]) -> bool:
    tag = tags.get(word)
    return tag is None or tag in _PROPER_TAGS or word.isascii()


def _name_like(word: str, tags: dict[str, str]) -> bool:
    if word in _NOT_NAMES or word in ENDINGS or not _NAME_CHARS.match(word):
        return False
    if word.isascii() or (word.startswith("第") and len(word) <= 4):
        return True  # "63" (路), "A" (座), "第三" (人民医院)
    tag = tags.get(word)
    if tag is None:
        return True  # unknown to the dictionary: most likely a proper name
    return tag in _NAME_TAGS


def admin_spans(text: str, *, gaz: Gazetteer | None = None) -> list[tuple[int, int, str]]:
    """Masked (A2区) and known (the deployment's divisions) administrative mentions in ``text`` as (start,
    end, district name or "")."""
    gaz = gaz or gazetteer()
    spans: list[tuple[int, int, str]] = [(m.start(), m.end(), "") for m in _ADMIN.finditer(text)]
    if gaz.pattern is not None:
        spans.extend((m.start(), m.end(), gaz.districts[m.group(0)]) for m in gaz.pattern.finditer(text))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], span[1]), last[2] or span[2])
        else:
            merged.append(span)
    return merged


@dataclass(frozen=True)
class Segmented:
    """A text cut into words, administrative mentions kept whole (and never glued to the next word)."""

    text: str
    words: list[str]
    offsets: list[int]
    admin: list[tuple[int, int, str]]
    is_admin: list[bool]


def _admin_word(word: str, tags: dict[str, str]) -> bool:
    """A written-out division ("南山区", "石门乡", "海澄市"): ends like one, is a name, is not a common word."""
    if len(word) == 2 and word.endswith(_TOWN_ENDINGS) and word not in _NOT_ADMIN:
        return tags.get(word) in (None, "ns", "nr", "nz")  # "山镇" of a town jieba cut in two
    if (
        len(word) < 3
        or word in _NOT_ADMIN
        or not word.endswith(ADMIN_ENDINGS)
        or word.endswith(("小区", "社区"))
    ):
        return False
    if any(word.endswith(generic) for generic in _NOT_ADMIN if len(generic) >= 3):
        return False
    tag = tags.get(word)
    return tag is None or tag in _PROPER_TAGS


def _name_before_admin(word: str, ending: str, tags: dict[str, str]) -> bool:
    if (
        len(word) < (1 if ending in _TOWN_ENDINGS else 2)
        or word in _NOT_NAMES
        or word in _NOT_ADMIN
        or not _NAME_CHARS.match(word)
    ):
        return False
    tag = tags.get(word)
    return tag is None or tag in _PROPER_TAGS or tag in ("f", "t", "a", "nr", "n", "ng", "b", "s")


def segment_text(text: str, cut: Callable[[str], list[str]]) -> Segmented:
    tags = _tags()
    known = admin_spans(text)
    words: list[str] = []
    offsets: list[int] = []
    flags: list[bool] = []
    district_of: dict[int, str] = {}
    cursor = 0
    for start, end, district in [*known, (len(text), len(text), "")]:
        if start > cursor:
            position = cursor
            for word in cut(text[cursor:start]):
                if (
                    word in ADMIN_ENDINGS
                    and words
                    and not flags[-1]
                    and _name_before_admin(words[-1], word, tags)
                ):
                    words[-1] += word  # "西江" + "区"
                    flags[-1] = True
                elif _admin_word(word, tags):
                    words.append(word)
                    offsets.append(position)
                    flags.append(True)
                else:
                    words.append(word)
                    offsets.append(position)
                    flags.append(False)
                position += len(word)
        if end > start:
            words.append(text[start:end])
            offsets.append(start)
            flags.append(True)
            district_of[start] = district
        cursor = end
    admin = [
        (offset, offset + len(word), district_of.get(offset, ""))
        for word, offset, flag in zip(words, offsets, flags, strict=True)
        if flag
    ]
    return Segmented(text, words, offsets, admin, flags)


def _opening(seg: Segmented, index: int) -> bool:
    """Whether word ``index`` starts the text or follows a division or punctuation, and could be a name."""
    word = seg.words[index]
    if seg.is_admin[index] or len(word) < 2 or word in _NOT_NAMES or word in ENDINGS:
        return False
    tag = _tags().get(word, "")
    if not _NAME_CHARS.match(word) or tag in ("r", "p", "c", "u", "d", "m", "q", "uj", "ul", "x"):
        return False
    if index > 0 and seg.is_admin[index - 1]:
        return True  # "东湖区 启航 大道"
    # at the start of the text or of a clause, a verb is what someone does, not a name ("成为小区…")
    return (index == 0 or not _NAME_CHARS.match(seg.words[index - 1])) and not tag.startswith("v")


_GLUE_BREAK = frozenset("的在是了和与及对从到把被让给向为住位该本这那个有我你他她它们也都就还又再已将去来")


def _glued(seg: Segmented) -> Segmented:
    """jieba cuts an unknown road or street name after its first character ("望" + "海路"): glue a lone
    character onto a two-character word ending in 路/街/巷/桥/村 when neither is a word of their own."""
    words, offsets, flags = list(seg.words), list(seg.offsets), list(seg.is_admin)
    index = 1
    while index < len(words):
        word, before = words[index], words[index - 1]
        if (
            len(word) == 2
            and word[-1] in "路街巷桥村"
            and len(before) == 1
            and not flags[index - 1]
            and not flags[index]
            and "\u4e00" <= before <= "\u9fff"
            and before not in _GLUE_BREAK
            and (index < 2 or not _NAME_CHARS.match(words[index - 2]) or flags[index - 2])
        ):
            words[index - 1 : index + 1] = [before + word]
            offsets[index - 1 : index + 1] = [offsets[index - 1]]
            flags[index - 1 : index + 1] = [False]
            continue
        index += 1
    if len(words) == len(seg.words):
        return seg
    return Segmented(seg.text, words, offsets, seg.admin, flags)


def find_places(seg: Segmented) -> list[Place]:
    """Specific places in a segmented text, in order of appearance."""
    tags = _tags()
    seg = _glued(seg)
    words, offsets = seg.words, seg.offsets
    places: list[Place] = []
    used_until = 0
    for index, word in enumerate(words):
        start = offsets[index]
        kind = "" if start < used_until or seg.is_admin[index] else _ending(word, tags)
        if not kind:
            continue
        first = index
        while (
            first > 0
            and index - first < 3
            and not seg.is_admin[first - 1]
            and offsets[first - 1] >= used_until
            and _name_like(words[first - 1], tags)
        ):
            first -= 1
        if first == index and kind == "bare":
            after_division = index == 0 or seg.is_admin[index - 1]
            if len(word) >= 3 and after_division and word not in _NOT_PLACES:
                pass  # "南山区 体育中心": a place noun right after the division is the place itself
            elif index == 0 or offsets[index - 1] < used_until or not _opening(seg, index - 1):
                continue  # an ending with no name before it
            else:
                first = index - 1  # "东湖区 启航 大道": the word that opens the text names the place
        if word in _STRICT and not (_proper(words[index - 1], tags) or _opening(seg, first)):
            continue
        label = "".join(words[first : index + 1])
        begin, end = offsets[first], start + len(word)
        name = label[: len(label) - len(word)] if first < index else ""
        if len(label) < 3 or label in _NOT_PLACES or label.isdigit() or (name.isdigit() and len(name) > 3):
            continue
        places.append(Place(place_key(label), label, begin, end))
        used_until = end
    return places


def place_key(label: str) -> str:
    for generic in ("小区", "社区"):
        if label.endswith(generic) and len(label) - len(generic) >= 2:
            return label[: -len(generic)]
    return label


def resolve(seg: Segmented, *, division_district: str = "") -> Resolved:
    """The first specific place and the district of one segmented text, with every mention's span."""
    places = find_places(seg)
    district = division_district
    if not district:
        for start, end, name in seg.admin:
            mention = seg.text[start:end]
            if name:
                district = name
                break
            if _MASKED_DISTRICT.fullmatch(mention) or mention.endswith(_DISTRICT_ENDINGS):
                district = mention
                break
    spans = tuple(sorted([(p.start, p.end) for p in places] + [(s, e) for s, e, _ in seg.admin]))
    return Resolved(places[0] if places else None, district, spans)
