"""Versions are immutable snapshots; the diff shows what changed; answers are sanitised; attachments
are checked and versioned."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.core.errors import ValidationFailed
from hotline.knowledge import content
from hotline.knowledge import services as kb
from hotline.knowledge.history import inline_diff, version_diff
from hotline.knowledge.models import EntryVersion

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_each_edit_is_a_new_version_and_an_unchanged_save_is_not(make_entry, editor, now):
    entry = make_entry(publish=False)
    same = kb.entry_input_from_version(entry.latest)
    entry = kb.entry_update(entry=entry, actor=editor, data=same, now=now)
    assert entry.versions.count() == 1
    entry = kb.entry_update(
        entry=entry,
        actor=editor,
        data=kb.entry_input_from_version(entry.latest, keywords="停水,报修"),
        now=now,
    )
    assert [v.number for v in entry.versions.all()] == [1, 2]
    assert entry.latest.keywords == "停水,报修"


def test_versions_cannot_be_changed(make_entry):
    version = make_entry().latest
    version.question = "改写历史"
    with pytest.raises(RuntimeError):
        version.save()
    assert EntryVersion.objects.get(pk=version.pk).question == "自来水停水怎么办"


def test_diff_lists_the_changed_fields(make_entry, editor, city, now):
    entry = make_entry(publish=False)
    v1 = entry.latest
    data = kb.entry_input_from_version(v1, answer="请拨打供水热线96345报修。", category=city.category)
    v2 = kb.entry_update(entry=entry, actor=editor, data=data, now=now).latest
    changes = {c.key: c for c in version_diff(v1, v2)}
    assert set(changes) == {"answer", "category"}
    assert "<ins>" in changes["answer"].diff_html and "<del>" in changes["answer"].diff_html
    assert changes["category"].new == "供水"


def test_inline_diff_escapes():
    html = inline_diff("办理", "办理<script>")
    assert html == "办理<ins>&lt;script&gt;</ins>"


def test_answer_html_is_sanitised():
    dirty = (
        '<p onclick="steal()">办理地点<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">坏链接</a> <a href="https://gov.example/zc">政策原文</a>'
        "<img src=x onerror=alert(1)><style>p{}</style>"
    )
    clean = content.sanitize(dirty)
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean
    assert "<img" not in clean and "<style" not in clean
    assert 'href="https://gov.example/zc"' in clean and 'rel="noopener noreferrer"' in clean
    text = content.html_to_text(clean)
    assert "政策原文（https://gov.example/zc）" in text and "alert" not in text


def test_plain_text_answers_become_paragraphs_with_links():
    html = content.sanitize("第一段\n第二行\n\n详见 https://gov.example/a 。")
    assert html.startswith("<p>第一段<br>第二行</p>")
    assert '<a href="https://gov.example/a"' in html
    assert content.html_to_text(html).splitlines()[0] == "第一段"


def test_attachments_are_checked_and_versioned(make_entry, editor, now):
    entry = make_entry()
    bad = SimpleUploadedFile("map.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        kb.entry_update(
            entry=entry, actor=editor, data=kb.entry_input_from_version(entry.latest, files=[bad]), now=now
        )
    assert exc.value.code == "file_type_not_allowed"
    assert entry.files.count() == 0
    good = SimpleUploadedFile("map.png", PNG, content_type="image/png")
    entry = kb.entry_update(
        entry=entry, actor=editor, data=kb.entry_input_from_version(entry.latest, files=[good]), now=now
    )
    assert [a["name"] for a in entry.latest.attachments] == ["map.png"]
    assert entry.published.attachments == []  # the live version is unchanged until published
    file_id = entry.latest.attachments[0]["id"]
    entry = kb.entry_update(
        entry=entry,
        actor=editor,
        data=kb.entry_input_from_version(entry.latest, remove_attachments=[file_id]),
        now=now,
    )
    assert entry.latest.attachments == [] and entry.versions.count() == 3
    assert entry.files.get().removed_at is not None
