"""``hotline import messages``: real message-board rows (read from ../shared at test time), both date
formats, very long messages, replies as direct answers, idempotency, bad rows reported by line."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.analytics.messageboard import import_messages, parse_time
from hotline.analytics.models import OrderSupport
from hotline.conftest import TZ, shared_file
from hotline.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
HEADER = [
    "留言编号",
    "留言用户",
    "留言主题",
    "留言时间",
    "留言详情",
    "点赞数",
    "反对数",
    "答复意见",
    "答复时间",
]


def _real_rows(count):
    with shared_file("tipdm2020/messages_replied.csv").open(encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return [next(reader) for _ in range(count)]


def _write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([row.get(column, "") for column in HEADER])
    return path


def test_both_date_formats():
    assert parse_time("2019/4/25 9:32:09", "t") == dt.datetime(2019, 4, 25, 9, 32, 9, tzinfo=TZ)
    assert parse_time("2019-04-25 09:32:09", "t") == dt.datetime(2019, 4, 25, 9, 32, 9, tzinfo=TZ)
    assert parse_time(dt.datetime(2019, 4, 25, 9, 32), "t").tzinfo is not None


def test_import_real_rows_idempotently_with_bad_rows_by_line(tmp_path, admin_user, capsys):
    real = _real_rows(25)
    long_text = "小区门口道路积水严重，" * 1200  # over 10,000 characters
    crafted = [
        {
            "留言编号": "900001",
            "留言用户": "U1",
            "留言主题": "翠竹苑小区电梯故障",
            "留言时间": "2019-05-01 08:00:00",
            "留言详情": "电梯\n\t\t又坏了",
            "点赞数": "12",
            "反对数": "1",
        },
        {"留言编号": "", "留言主题": "没有编号", "留言时间": "2019-05-01 08:00:00"},
        {"留言编号": "900002", "留言主题": "时间不对", "留言时间": "昨天下午"},
        {"留言编号": "900003", "留言主题": "点赞不是数", "留言时间": "2019/5/1 8:00:00", "点赞数": "很多"},
        {
            "留言编号": "900004",
            "留言用户": "U2",
            "留言主题": "很长的留言",
            "留言时间": "2019/5/2 10:00:00",
            "留言详情": long_text,
            "答复意见": "已转交城管部门处理。",
            "答复时间": "2019/5/6 10:00:00",
        },
        {"留言编号": "900001", "留言主题": "重复编号", "留言时间": "2019/5/3 8:00:00"},
    ]
    path = _write_csv(tmp_path / "board.csv", real + crafted)
    call_command("import", "messages", str(path), "--as", admin_user.username)
    out = capsys.readouterr()
    assert (
        "31 rows: 27 orders created (26 with the reply as the answer), 1 already imported, 3 refused"
        in out.out
    )
    # bad rows name their line in the file; the multi-line quoted records of the real data count their lines
    lines = {int(line.split(":")[1]) for line in out.err.splitlines() if line.startswith("board.csv:")}
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    physical = re.split(r"\r\n|\r|\n", text)  # lines as an editor counts them (a lone CR ends one too)
    first_crafted = 1 + next(i for i, line in enumerate(physical) if line.startswith("900001,"))
    # 900001 itself spans two lines (its text has a line break): the bad rows follow it
    assert lines == {first_crafted + 2, first_crafted + 3, first_crafted + 4}, out.err
    assert "留言编号 is empty" in out.err and "留言时间" in out.err and "点赞数" in out.err
    orders = WorkOrder.objects.filter(channel__code="message_board")
    assert orders.count() == 27
    first = orders.get(external_id=real[0]["留言编号"])
    assert first.received_at == parse_time(real[0]["留言时间"], "t")
    assert first.status == "closed" and first.answer.startswith(real[0]["答复意见"].strip()[:20])
    assert first.caller_name == real[0]["留言用户"] and first.source_system == "message_board"
    answer = first.events.get(action="answer")
    assert answer.actor == admin_user and answer.at == parse_time(real[0]["答复时间"], "t")
    liked = orders.get(external_id="900001")
    assert liked.status == "received" and liked.content == "电梯\n又坏了"
    assert OrderSupport.objects.get(order=liked).likes == 12
    assert len(orders.get(external_id="900004").content) > 10_000
    # a second run creates nothing
    call_command("import", "messages", str(path), "--no-progress")
    again = capsys.readouterr().out
    assert "0 orders created" in again and "28 already imported" in again  # the duplicate row too
    assert orders.count() == 27


def test_xlsx_with_date_cells(tmp_path, admin_user):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([12345, "U9", "咨询公积金贷款", dt.datetime(2020, 1, 2, 9, 30), "请问公积金贷款额度？", 3, 0,
                  "可贷款六十万元。", dt.datetime(2020, 1, 3, 9, 0)])  # fmt: skip
    sheet.append([12346, "U9", "", "2020/1/4 9:00:00", "", None, None, None, None])
    path = tmp_path / "board.xlsx"
    book.save(path)
    report = import_messages(path=path, actor=admin_user)
    assert (report.created, report.answered, report.errors) == (
        1,
        1,
        [(3, "留言主题 and 留言详情 are both empty")],
    )
    order = WorkOrder.objects.get(external_id="12345")
    assert order.received_at == dt.datetime(2020, 1, 2, 9, 30, tzinfo=TZ) and order.request_type == "consult"


def test_refuses_a_file_without_the_columns_and_an_account_that_may_not_answer(
    tmp_path, admin_user, supervisor
):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="留言编号"):
        call_command("import", "messages", str(path), "--no-progress")
    good = _write_csv(tmp_path / "ok.csv", _real_rows(1))
    with pytest.raises(CommandError, match="may not record answers"):
        call_command("import", "messages", str(good), "--as", supervisor.username)
    assert not WorkOrder.objects.exists()


def test_progress_bar_on_stderr(tmp_path, admin_user, capsys):
    call_command("import", "messages", str(_write_csv(tmp_path / "b.csv", _real_rows(3))))
    err = capsys.readouterr().err
    assert "3/3" in err and "msg" in err  # tqdm's bar, on the error stream
