"""The directory: divisions and units as trees with jurisdictions and contacts, roles, and its API."""

from __future__ import annotations

import pytest

from hotline.conftest import City
from hotline.directory.models import Role, Unit, UnitContact, User
from hotline.tokens.testing import ApiClient
from hotline.workorders.selectors import units_in_scope


def test_units_form_a_tree_with_their_jurisdiction_and_contacts(city: City) -> None:
    city.district_gov.divisions.add(city.district)
    city.street.divisions.add(city.street_division)
    UnitContact.objects.create(unit=city.street, name="值班室", phone="0791-1234567")

    assert Unit.objects.get_parent(city.street) == city.district_gov
    assert list(Unit.objects.get_tree(city.district_gov)) == [city.district_gov, city.street]
    assert city.center.is_center and not city.water.is_center
    assert list(city.street.divisions.all()) == [city.street_division]
    assert [c.phone for c in city.street.contacts.all()] == ["0791-1234567"]


@pytest.mark.parametrize(
    ("role", "center_staff", "unit_staff"),
    [
        (Role.AGENT, True, False),
        (Role.DISPATCHER, True, False),
        (Role.SUPERVISOR, True, False),
        (Role.LEADER, True, False),
        (Role.ADMIN, True, False),
        (Role.UNIT_HANDLER, False, True),
        (Role.UNIT_LEADER, False, True),
    ],
)
def test_every_role_is_either_center_or_unit_staff(
    city: City, role: str, center_staff: bool, unit_staff: bool
) -> None:
    unit = city.center if center_staff else city.water
    user = User.objects.create_user(username=f"u-{role}", password="x", role=role, unit=unit)
    assert (user.is_center_staff, user.is_unit_staff) == (center_staff, unit_staff)


def test_a_unit_leader_sees_the_sub_units_a_handler_only_his_own(
    unit_leader: User, street_handler: User, city: City
) -> None:
    assert set(units_in_scope(unit_leader)) == {city.district_gov, city.street}
    assert set(units_in_scope(street_handler)) == {city.street}


def test_the_api_lists_units_in_tree_order_with_parent_and_divisions(agent: User, city: City) -> None:
    city.district_gov.divisions.add(city.district)
    Unit.objects.filter(pk=city.urban.pk).update(active=False)
    api = ApiClient(agent)

    listed = api.get("directory/units").json()
    by_code = {unit["code"]: unit for unit in listed}
    assert "D02" not in by_code  # inactive units are left out unless asked for
    assert by_code["G01S01"]["parent"] == city.district_gov.pk and by_code["G01S01"]["depth"] == 2
    assert by_code["G01"]["divisions"] == [city.district.pk] and by_code["G01"]["parent"] is None
    assert [u["code"] for u in listed].index("G01") < [u["code"] for u in listed].index("G01S01")
    assert "D02" in {u["code"] for u in api.get("directory/units", {"active_only": "false"}).json()}

    one = api.get(f"directory/units/{city.street.pk}").json()
    assert one["name"] == "东湖街道办事处" and one["parent"] == city.district_gov.pk
    missing = api.get("directory/units/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "unit_not_found"


def test_the_api_lists_divisions_by_level_and_refuses_an_unknown_level(agent: User, city: City) -> None:
    api = ApiClient(agent)
    districts = api.get("directory/divisions", {"level": 3}).json()
    assert [(d["name"], d["parent"]) for d in districts] == [("东湖区", city.city.pk)]
    assert len(api.get("directory/divisions").json()) == 4
    refused = api.get("directory/divisions", {"level": 9})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_level"


def test_me_names_the_role_and_unit(unit_handler: User, city: City) -> None:
    me = ApiClient(unit_handler).get("directory/me").json()
    assert me["role"] == Role.UNIT_HANDLER and me["unit"]["code"] == "D01" and me["center_staff"] is False
