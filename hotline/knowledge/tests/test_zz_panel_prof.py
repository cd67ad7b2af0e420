import csv, cProfile, pstats
import pytest
from django.urls import reverse
from hotline.conftest import SHARED_DATA
from hotline.knowledge import services as kb

pytestmark = pytest.mark.django_db


def test_panel_prof(client, agent, editor, city, now):
    rows = list(csv.DictReader(open(SHARED_DATA / "tipdm2020" / "messages_replied.csv", encoding="utf-8-sig")))[:300]
    for r in rows:
        e = kb.entry_create(actor=editor, data=kb.EntryInput(question=" ".join(r["留言主题"].split())[:300] + "（答复）", answer=" ".join(r["答复意见"].split())[:3000] or "无", owner_units=[city.water]), now=now)
        kb.entry_publish(entry=e, actor=editor, now=now)
    client.force_login(agent)
    url = reverse("knowledge:panel_answers")
    client.get(url, {"title": "预热"})
    pr = cProfile.Profile(); pr.enable()
    for r in rows[:100]:
        client.get(url, {"title": r["留言主题"]})
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(25)
