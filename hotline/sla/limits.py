"""A time limit as written in an SLA policy: ``2h`` clock hours, ``8wh`` working hours, ``5wd`` working
days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LimitUnit = Literal["h", "wh", "wd"]
_PATTERN = re.compile(r"^\s*(\d{1,4})\s*(wd|wh|h)\s*$")


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: LimitUnit

    @classmethod
    def parse(cls, text: str) -> Limit:
        match = _PATTERN.match(text or "")
        if not match:
            raise ValueError(
                f"invalid time limit {text!r}: write <amount><unit>, unit h (clock hours), "
                "wh (working hours) or wd (working days), e.g. 2h, 8wh, 5wd"
            )
        return cls(int(match.group(1)), match.group(2))  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"
