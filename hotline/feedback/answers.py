"""Reading a caller's SMS answer to the survey: ``1``/``2``/``3`` (or 满意/基本满意/不满意) for
satisfied / basically satisfied / dissatisfied, and Y/N (是/否, 已解决/未解决) for solved — in one message
("1Y", "3 否") or two. A text with anything else in it is not an answer: it is a new request or a note
for the caller's open order, and channels handles it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hotline.workorders.models import Satisfaction

# Longest first, so 不满意 is not read as 满意 and 未解决 not as 解决.
_TOKENS: list[tuple[str, str, object]] = sorted(
    [
        ("非常满意", "satisfaction", Satisfaction.SATISFIED),
        ("基本满意", "satisfaction", Satisfaction.BASICALLY),
        ("不满意", "satisfaction", Satisfaction.DISSATISFIED),
        ("满意", "satisfaction", Satisfaction.SATISFIED),
        ("1", "satisfaction", Satisfaction.SATISFIED),
        ("2", "satisfaction", Satisfaction.BASICALLY),
        ("3", "satisfaction", Satisfaction.DISSATISFIED),
        ("已解决", "solved", True),
        ("解决了", "solved", True),
        ("已经解决", "solved", True),
        ("解决", "solved", True),
        ("未解决", "solved", False),
        ("没解决", "solved", False),
        ("没有解决", "solved", False),
        ("不解决", "solved", False),
        ("yes", "solved", True),
        ("no", "solved", False),
        ("y", "solved", True),
        ("n", "solved", False),
        ("是", "solved", True),
        ("否", "solved", False),
    ],
    key=lambda token: -len(token[0]),
)
# Words that may stand around an answer without making it something else.
_FILLER = ("问题", "评价", "回复", "答复", "谢谢", "您好", "你好", "我", "的", "了", "已", "还", "都", "很")
_SEPARATORS = re.compile(r"[\s,，.。;；:：!！、/\\|+\-_~（）()\[\]【】\"'“”‘’]+")
MAX_LENGTH = 24


@dataclass(frozen=True)
class Answer:
    satisfaction: str | None
    solved: bool | None


def parse_answer(text: str) -> Answer | None:
    """The answer in ``text``, or None when the text is not a survey answer."""
    cleaned = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).lower()
    if not cleaned or len(cleaned) > MAX_LENGTH:
        return None
    satisfaction: str | None = None
    solved: bool | None = None
    rest = cleaned
    position = 0
    while position < len(rest):
        for token, kind, value in _TOKENS:
            if rest.startswith(token, position):
                if kind == "satisfaction":
                    if satisfaction is not None and satisfaction != value:
                        return None  # two different ratings: not an answer we can read
                    satisfaction = str(value)
                else:
                    if solved is not None and solved != value:
                        return None
                    solved = bool(value)
                position += len(token)
                break
        else:
            filler = next((word for word in _FILLER if rest.startswith(word, position)), None)
            if filler is None:
                return None
            position += len(filler)
    if satisfaction is None and solved is None:
        return None
    return Answer(satisfaction, solved)
