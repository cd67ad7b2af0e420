"""In a real browser: the agent types a question, the knowledge panel offers the answer, one click fills
the direct answer and its reference, and the order closes with the use recorded; the report form works
inside the panel; a citizen searches the public FAQ. Screenshots land in var/screenshots/."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hotline.knowledge import services as kb
from hotline.knowledge.models import EntryReport, EntryUse, Visibility
from hotline.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_entries(editor, city):
    now = timezone.now()

    def publish(question, answer, visibility):
        entry = kb.entry_create(
            actor=editor,
            data=kb.EntryInput(
                question=question, answer=answer, owner_units=[city.water], visibility=visibility
            ),
            now=now,
        )
        return kb.entry_publish(entry=entry, actor=editor, now=now)

    return [
        publish(
            "突然停水怎么办",
            "<p>请拨打供水服务热线<strong>96345</strong>报修，抢修人员2小时内到场。</p>",
            Visibility.PUBLIC,
        ),
        publish("停水投诉内部处理口径", "<p>先核实计划停水公告，再派单水务集团。</p>", Visibility.INTERNAL),
    ]


def test_agent_answers_from_the_panel(page, login_as, screenshot, agent, live_entries, city):
    entry = live_entries[0]
    login_as(agent)
    page.goto("/agent/")
    page.fill("#id_caller_phone", "13812345678")
    page.fill("#id_title", "家里突然停水了")
    page.fill("#id_content", "来电人家中从早上开始停水，没有看到停水通知。")
    page.wait_for_selector("#panel-knowledge_answers >> text=采用此答案")
    page.wait_for_load_state("networkidle")
    screenshot("knowledge-panel")
    panel = page.locator("#panel-knowledge_answers")
    assert "内部处理口径" in panel.inner_text()  # agents see internal entries too
    # report the second result from inside the panel
    second = panel.locator(f"#kb-panel-{live_entries[1].pk}")
    second.locator("summary").click()
    second.locator("textarea[name=comment]").fill("口径已更新")
    second.locator("button[type=submit]").click()
    page.wait_for_selector(f"#kb-panel-{live_entries[1].pk} >> text=已通知")
    assert EntryReport.objects.get().entry == live_entries[1]
    # use the first answer: it fills the direct-answer form
    panel.locator(f"#kb-panel-{entry.pk} button[data-fill]").click()
    page.locator("#finish-answer summary").click()
    assert "96345" in page.input_value("#id_answer")
    assert page.input_value("input[name=knowledge_ref]") == str(entry.pk)
    page.click("button[name=finish][value=answer]")
    page.wait_for_url("**/agent/done/**")
    order = WorkOrder.objects.get(title="家里突然停水了")
    assert order.status == "closed"
    use = EntryUse.objects.get()
    assert (use.entry_id, use.order_id) == (entry.pk, order.pk)


def test_citizen_searches_the_public_faq(page, screenshot, live_entries):
    page.goto("/kb/faq/")
    page.fill("#faq-q", "停水")
    page.press("#faq-q", "Enter")
    page.wait_for_selector(".kb-result")
    screenshot("knowledge-public-faq")
    text = page.inner_text("main")
    assert "突然停水怎么办" in text and "内部处理口径" not in text
    page.click(".kb-result a")
    page.wait_for_selector("text=96345")
    screenshot("knowledge-public-entry")
