"""Removing personal data from a case before it is published.

``hotline.text.pii`` masks phone numbers, ID card and bank card numbers, e-mail addresses, car plates,
social accounts and a name the caller states (我叫…, 姓名：…). Publication needs more: the caller's own
name wherever it appears, any person addressed as 王先生 / 李女士 / 张师傅 …, a name after 我是 / 本人 /
业主 …, and exact addresses — building, unit, floor and room numbers (3栋2单元501室, 18号楼, 幸福路123号,
3-2-501) — while the residential compound or road itself stays, so readers know what the case is about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from hotline.text.pii import find_pii, mask_pii


def _words(text: str) -> list[str]:
    """Word lists are written as one space-separated string: easier to read and to extend."""
    return text.split()


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
    "陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳司马上官诸葛"
)
_TITLE = "先生|女士|小姐|阿姨|大爷|大妈|大姐|大哥|师傅|老师|同志|奶奶|爷爷|老太|老汉|经理|科长|主任|书记|队长"
_ADDRESSED = re.compile(rf"([{SURNAMES}])([\u4e00-\u9fff]{{0,2}}?)({_TITLE})")
# words that start with a surname's character ("周末老师", "高中老师" are not people's names)
_NOT_NAMES = frozenset(
    _words(
        "周末 高中 高一 高二 高三 高校 高层 万一 任何 金额 方面 江边 马上 马路 石头 白天 黄色 林业 龙头 史上 钱款 "
        "程序 于是 余额 叶子 苏醒 许多 韩国 冯 曹 夏天 夏季 秦朝 江湖 江南 白色 陆续 田间 董事 袁 潘 蒋 严重 武警 "
        "孔 汤 向来 毛病 雷雨 贺卡 顾客 龚 邵 钱 段落 方便 方向 方案 金融 余下 沈 姚 卢 崔 钟点 谭 付款 付费 韦 邹 孟 熊 "
        "邱 尹 薛 闫 侯 史 陶 黎 郝 覃 戴 莫 常 全体 全部 安全 文化 艺术 何时 何地 林地 石材 罗列 梁上 郭 胡乱 朱红"
    )
)
_STATED = re.compile(
    rf"(?:我是|本人|业主|户主|住户|居民|村民|患者|家属|联系人|举报人|投诉人|反映人)[:：]?\s*([{SURNAMES}][\u4e00-\u9fff]{{1,2}})(?=[，,。.、；;：:\s（(]|$)"
)


_NUMBER = r"[0-9０-９]+|[一二三四五六七八九十百零两]+"
_HOUSE = re.compile(
    rf"(?<![月第0-9０-９])(?:(?:{_NUMBER})\s*(?:号楼|栋|幢|座|单元|层|楼|室|号院|号(?![线车文令码])|户|弄|房)\s*[-－]?\s*){{1,5}}"
    r"|(?<![0-9])[0-9]{1,3}[-－][0-9]{1,2}[-－][0-9]{2,4}(?![0-9])"
)
_FLOOR_ONLY = re.compile(rf"^(?:{_NUMBER})\s*(?:楼|层)\s*$")
PLACEHOLDER_NAME = "某"
PLACEHOLDER_HOUSE = "<门牌号>"


@dataclass(frozen=True)
class Redacted:
    text: str
    found: Counter[str]


def redact(text: str, *, names: Iterable[str] = ()) -> Redacted:
    """``text`` without personal data, and how many of each kind were removed."""
    found: Counter[str] = Counter(kind for kind, _ in find_pii(text))
    text = mask_pii(text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        count = text.count(name)
        if count:
            found["姓名"] += count
            text = text.replace(name, "<姓名>")
    text, count = _STATED.subn(lambda m: m.group(0).replace(m.group(1), "<姓名>"), text)
    found["姓名"] += count
    addressed = 0

    def address(match: re.Match[str]) -> str:
        nonlocal addressed
        if (match.group(1) + match.group(2)[:1]) in _NOT_NAMES and match.group(2):
            return match.group(0)
        addressed += 1
        return PLACEHOLDER_NAME + match.group(3)

    text = _ADDRESSED.sub(address, text)
    found["称呼"] += addressed
    houses = 0

    def house(match: re.Match[str]) -> str:
        nonlocal houses
        if _FLOOR_ONLY.match(match.group(0)):
            return match.group(0)  # "一楼商铺": a floor alone says nothing about who lives there
        houses += 1
        return PLACEHOLDER_HOUSE

    text = _HOUSE.sub(house, text)
    found["门牌号"] += houses
    return Redacted(text, +found)


def remaining(text: str, *, names: Iterable[str] = ()) -> Counter[str]:
    """The personal data a reviewer's edited text still holds (nothing once it is clean)."""
    return redact(text, names=names).found
