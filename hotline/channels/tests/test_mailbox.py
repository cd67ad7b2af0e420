import imaplib
import time
from email.message import EmailMessage

import pytest

from hotline.channels.models import FirstResponse, InboundMessage, OutboundMessage
from hotline.channels.services.mailbox import mailbox_fetch
from hotline.workorders.models import Attachment, WorkOrder

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def letter(
    subject="关于幸福里小区违建的反映",
    body="尊敬的市长：小区楼顶有人私搭乱建，联系电话13812340000。",
    message_id="<letter-1@citizen.example>",
) -> bytes:
    message = EmailMessage()
    message["From"] = "张三 <zhangsan@citizen.example>"
    message["To"] = "mayor@12345.example.gov.cn"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Tue, 01 Dec 2026 09:00:00 +0800"
    message.set_content(body)
    message.add_attachment(PNG, maintype="image", subtype="png", filename="现场.png")
    message.add_attachment(
        b"MZ\x90\x00binary", maintype="application", subtype="octet-stream", filename="tool.exe"
    )
    return bytes(message)


@pytest.fixture
def mailbox(dovecot, settings):
    settings.HOTLINE_CHANNELS_IMAP_HOST = dovecot.host
    settings.HOTLINE_CHANNELS_IMAP_PORT = dovecot.port
    settings.HOTLINE_CHANNELS_IMAP_SSL = False
    settings.HOTLINE_CHANNELS_IMAP_USER = dovecot.user
    settings.HOTLINE_CHANNELS_IMAP_PASSWORD = dovecot.password
    return dovecot


def deliver(imap, raw: bytes) -> None:
    client = imaplib.IMAP4(imap.host, imap.port)
    client.login(imap.user, imap.password)
    client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)
    client.logout()


def test_mail_becomes_an_order_with_its_attachments_and_the_receipt_goes_out_by_smtp(
    mailbox,
    smtp_server,
    settings,
    city,
    now,
    django_capture_on_commit_callbacks,
):
    settings.HOTLINE_CHANNELS_MAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.HOTLINE_CHANNELS_SMTP_HOST = smtp_server.host
    settings.HOTLINE_CHANNELS_SMTP_PORT = smtp_server.port
    deliver(mailbox, letter())
    with django_capture_on_commit_callbacks(execute=True):
        recorded = mailbox_fetch(now=now)
    assert len(recorded) == 1
    order = WorkOrder.objects.get()
    assert order.channel.code == "mailbox" and order.status == "received"
    assert order.title == "关于幸福里小区违建的反映" and "私搭乱建" in order.content
    assert order.caller_name == "张三" and order.caller_phone == "13812340000"
    assert list(Attachment.objects.filter(order=order).values_list("name", flat=True)) == ["现场.png"]
    assert recorded[0].data["refused"] == [{"name": "tool.exe", "reason": "file_type_not_allowed"}]
    receipt = smtp_server.received[0]
    assert receipt["To"] == "zhangsan@citizen.example" and order.number in receipt["Subject"]
    assert receipt["In-Reply-To"] == "<letter-1@citizen.example>"
    assert order.number in receipt.get_content()
    assert OutboundMessage.objects.get(order=order).state == "sent"
    assert FirstResponse.objects.get(order=order).via == "receipt"


def test_a_second_fetch_takes_only_new_mail_and_a_resent_letter_is_not_a_second_order(mailbox, city, now):
    deliver(mailbox, letter())
    assert len(mailbox_fetch(now=now)) == 1
    assert mailbox_fetch(now=now) == []
    deliver(mailbox, letter())  # the same Message-ID again
    deliver(mailbox, letter(subject="夜间施工噪音", message_id="<letter-2@citizen.example>"))
    assert [m.subject for m in mailbox_fetch(now=now)] == ["夜间施工噪音"]
    assert WorkOrder.objects.count() == 2 and InboundMessage.objects.count() == 2


def test_a_failing_smtp_server_is_retried(city, now, settings, django_capture_on_commit_callbacks):
    from hotline.channels.services import mail_send

    settings.HOTLINE_CHANNELS_MAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.HOTLINE_CHANNELS_SMTP_HOST = "127.0.0.1"
    from hotline.core.testing import free_port

    settings.HOTLINE_CHANNELS_SMTP_PORT = free_port()  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        message = mail_send(to="a@b.example", template="receipt", context={"number": "1"}, now=now)
    message.refresh_from_db()
    assert message.state == "retry" and message.attempts == 1 and message.last_error
