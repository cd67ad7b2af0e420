from __future__ import annotations

from collections.abc import Callable

import pytest

from hotline.directory.models import User
from hotline.tokens.testing import ApiClient


@pytest.fixture
def api_as() -> Callable[[User], ApiClient]:
    return ApiClient


@pytest.fixture
def order_body(city) -> dict:
    return {
        "title": "路灯不亮",
        "content": "幸福里小区门口路灯连续一周不亮，夜间出行不便。",
        "channel": "phone",
        "type": "complaint",
        "caller": {"name": "李四", "phone": "13900001111", "confidential": False},
        "location": "东湖区幸福里小区门口",
        "category": city.category.pk,
    }
