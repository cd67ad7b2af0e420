from __future__ import annotations

import pytest

from hotline.directory.models import UnitContact


@pytest.fixture
def rules(db: None) -> None:
    """The default rules (a data migration creates them; transactional tests flush them)."""
    from hotline.supervision.services import ensure_default_rules

    ensure_default_rules()


@pytest.fixture
def contacts(city):
    """A contact who receives notices at each unit the tests use."""
    return [
        UnitContact.objects.create(unit=city.water, name="水务联络员", phone="13900000001"),
        UnitContact.objects.create(unit=city.urban, name="城管联络员", phone="13900000002"),
    ]
