"""Location: divisions, the gazetteer and national addresses resolved from the text."""

from __future__ import annotations

import pytest

from hotline.directory.models import Division
from hotline.routing import location
from hotline.routing.services import gazetteer_import, place_save

pytestmark = pytest.mark.django_db


def test_division_names_and_short_forms(city):
    assert location.best_division("东湖街道和平路路灯不亮").division_id == city.street_division.pk
    assert location.best_division("东湖街附近有人占道").division_id == city.street_division.pk
    # The finer division wins over the district that contains it.
    matches = location.resolve("东湖区东湖街道")
    assert [m.division_id for m in matches] == [city.street_division.pk]
    assert location.best_division("东湖区政府门口").division_id == city.district.pk
    assert location.resolve("") == []


def test_gazetteer_places_and_aliases(city, gazetteer):
    found = location.best_division("幸福里停水了")
    assert found.division_id == city.street_division.pk and found.source == "place"
    place_save(name="人民广场", division=city.district, kind="landmark", aliases="市民广场")
    location.invalidate()
    assert location.best_division("市民广场的喷泉坏了").division_id == city.district.pk


def test_national_addresses_map_to_the_deployments_codes(city):
    province = Division.objects.add_root(instance=Division(code="330000000000", name="浙江省", level=1))
    hz = Division.objects.add_child(province, instance=Division(code="330100000000", name="杭州市", level=2))
    xihu = Division.objects.add_child(hz, instance=Division(code="330106000000", name="西湖区", level=3))
    location.invalidate()
    match = location.best_division("浙江杭州西湖区文三路口的井盖丢了")
    assert match.division_id == xihu.pk
    match = location.best_division("杭州拱墅区某小区")  # a county the deployment lacks: its city
    assert match.division_id == hz.pk and match.source == "address"


def test_gazetteer_import(city, tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(
        f"名称,区划编码,类型,别名\n滨江花园,{city.street_division.code},小区,滨江\n", encoding="utf-8"
    )
    assert gazetteer_import(path).saved == 1
    location.invalidate()
    assert location.best_division("滨江花园电梯坏了").division_id == city.street_division.pk
    bad = tmp_path / "bad.csv"
    bad.write_text("名称,区划编码\n某地,000\n", encoding="utf-8")
    with pytest.raises(Exception, match="nothing was changed"):
        gazetteer_import(bad)
