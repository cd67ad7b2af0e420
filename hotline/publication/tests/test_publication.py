"""Publication (分类选登): automatic anonymisation, review before publication, the caller's consent, the
public pages, and who may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.publication.models import CaseLog, PublishedCase
from hotline.publication.redaction import redact
from hotline.publication.services import case_edit, case_publish, case_select, case_withdraw
from hotline.workorders import services as wo

pytestmark = pytest.mark.django_db

CONTENT = (
    "我是王建国，住在幸福里小区3栋2单元501室，电话13812345678。楼下张先生的车浙A12345长期占用消防通道，"
    "身份证号110101199003071234，希望处理。"
)


@pytest.fixture
def answered(make_order, agent, now):
    order = make_order(name="王建国", content=CONTENT, title="幸福里小区消防通道被占")
    return wo.workorder_answer(
        order=order, actor=agent, answer="已联系物业清理消防通道，联系人：李明 13900001111。", now=now
    )


def test_redaction_removes_names_phones_ids_plates_and_house_numbers():
    result = redact(CONTENT, names=["王建国"])
    for secret in ("王建国", "13812345678", "浙A12345", "110101199003071234", "3栋2单元501室", "张先生"):
        assert secret not in result.text
    assert "幸福里小区" in result.text  # the place stays, the house number goes
    assert {"姓名", "手机号", "车牌", "身份证号", "门牌号", "称呼"} <= set(result.found)


def test_select_anonymises_and_review_then_publish(answered, dispatcher, now, client):
    case = case_select(order=answered, actor=dispatcher, now=now)
    assert case.state == PublishedCase.State.DRAFT
    assert "王建国" not in case.question and "13900001111" not in case.answer and "李明" not in case.answer
    assert case.redactions["手机号"] == 2
    # not public before it is published
    assert client.get(reverse("publication:public_detail", args=[case.pk])).status_code == 404
    # the reviewer puts a name back in by mistake: publishing is refused until confirmed or fixed
    case = case_edit(
        case=case,
        actor=dispatcher,
        title=case.title,
        question=case.question + "王建国",
        answer=case.answer,
        now=now,
    )
    with pytest.raises(ValidationFailed) as refused:
        case_publish(case=case, actor=dispatcher, now=now)
    assert refused.value.code == "pii_remaining" and "姓名" in refused.value.details["kinds"]
    case = case_edit(
        case=case,
        actor=dispatcher,
        title=case.title,
        question=case.question.replace("王建国", ""),
        answer=case.answer,
        now=now,
    )
    case = case_publish(case=case, actor=dispatcher, now=now)
    assert case.state == PublishedCase.State.PUBLISHED
    assert [entry.action for entry in case.log.all()] == ["select", "edit", "edit", "publish"]
    page = client.get(reverse("publication:public_list"))
    assert page.status_code == 200 and case.title in page.content.decode()
    detail = client.get(reverse("publication:public_detail", args=[case.pk])).content.decode()
    assert "消防通道" in detail and "13812345678" not in detail and "王建国" not in detail


def test_the_callers_wish_not_to_publish_is_respected(
    make_order, agent, dispatcher, now, client, django_capture_on_commit_callbacks
):
    refused = wo.workorder_answer(order=make_order(), actor=agent, answer="已答复", now=now)
    refused.publish_consent = False
    refused.save(update_fields=["publish_consent"])
    with pytest.raises(Conflict) as exc:
        case_select(order=refused, actor=dispatcher, now=now)
    assert exc.value.code == "no_consent"
    confidential = wo.workorder_answer(
        order=make_order(confidential=True), actor=agent, answer="已答复", now=now
    )
    with pytest.raises(Conflict):
        case_select(order=confidential, actor=dispatcher, now=now)
    # consent withdrawn after publication: the case leaves the portal at once
    order = make_order()
    case = case_select(
        order=wo.workorder_answer(order=order, actor=agent, answer="已答复", now=now),
        actor=dispatcher,
        now=now,
    )
    case_publish(case=case, actor=dispatcher, now=now)
    assert client.get(reverse("publication:public_detail", args=[case.pk])).status_code == 200
    order.refresh_from_db()
    order.publish_consent = False  # corrected on the order record (the services refuse updates once closed)
    order.save(update_fields=["publish_consent"])
    assert client.get(reverse("publication:public_detail", args=[case.pk])).status_code == 404


def test_a_consent_correction_event_withdraws_the_case(make_order, agent, dispatcher, now):
    """The listener: an UPDATE event that sets publish_consent to False takes the order's case down."""
    from hotline.publication.listeners import on_event
    from hotline.workorders.models import Event

    answered = wo.workorder_answer(order=make_order(), actor=agent, answer="已答复", now=now)
    case = case_publish(
        case=case_select(order=answered, actor=dispatcher, now=now), actor=dispatcher, now=now
    )
    on_event(
        Event(
            order=answered,
            seq=99,
            action="update",
            at=now,
            to_status="closed",
            data={"changes": {"title": ["a", "b"]}},
        )
    )
    case.refresh_from_db()
    assert case.state == PublishedCase.State.PUBLISHED  # other corrections leave it alone
    on_event(Event(order=answered, seq=99, action="update", at=now, to_status="closed",
                   data={"changes": {"publish_consent": [True, False]}}))  # fmt: skip
    case.refresh_from_db()
    assert case.state == PublishedCase.State.WITHDRAWN and case.log.last().actor is None


def test_only_center_publication_roles_and_answered_orders(
    make_order, answered, agent, unit_handler, dispatcher, now
):
    with pytest.raises(Forbidden):
        case_select(order=answered, actor=agent, now=now)
    with pytest.raises(Conflict) as exc:
        case_select(order=make_order(), actor=dispatcher, now=now)
    assert exc.value.code == "not_answered"
    case = case_select(order=answered, actor=dispatcher, now=now)
    with pytest.raises(Conflict):
        case_select(order=answered, actor=dispatcher, now=now)
    case_withdraw(case=case, actor=dispatcher, reason="内容不宜公开", now=now)
    assert CaseLog.objects.filter(case=case, action="withdraw").exists()


def test_staff_pages(answered, dispatcher, unit_handler, client, django_assert_max_num_queries):
    client.force_login(unit_handler)
    assert client.get(reverse("publication:manage")).status_code == 403
    client.force_login(dispatcher)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("publication:manage"))
    assert page.status_code == 200 and answered.number in page.content.decode()
    response = client.post(reverse("publication:select"), {"order": answered.number})
    case = PublishedCase.objects.get(order=answered)
    assert response.url == reverse("publication:case", args=[case.pk])
    response = client.post(
        reverse("publication:case", args=[case.pk]),
        {"action": "publish", "title": case.title, "question": case.question, "answer": case.answer},
    )
    case.refresh_from_db()
    assert case.state == PublishedCase.State.PUBLISHED
