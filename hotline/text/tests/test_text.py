import pytest

from hotline.text.normalize import normalize
from hotline.text.pii import find_pii, mask_pii
from hotline.text.segment import reload_dictionary, tokens


def test_normalize_width_script_and_space():
    assert normalize("ＡＢＣ１２３　臺灣  ") == "ABC123 台湾"


def test_mask_pii_replaces_personal_data():
    text = "我叫张三，电话13812345678，身份证110101199003071234，车牌湘A12345，邮箱a.b@example.com"
    masked = mask_pii(text)
    for secret in ("13812345678", "110101199003071234", "湘A12345", "a.b@example.com"):
        assert secret not in masked
    assert "<手机号>" in masked and "<身份证号>" in masked and "<车牌>" in masked
    assert [kind for kind, _ in find_pii(text)] == ["身份证号", "手机号", "邮箱", "姓名", "车牌"]


@pytest.mark.django_db
def test_deployment_terms_stay_whole(city):
    reload_dictionary()
    assert "东湖街道办事处" in tokens("东湖街道办事处门口的路灯坏了")
    assert "的" not in tokens("东湖街道办事处门口的路灯坏了")


def test_normalize_drops_invisible_characters():
    assert normalize("幸福\u200b里\ufeff小区\u00ad") == "幸福里小区"
    assert normalize("") == ""


def test_mask_pii_accounts_and_given_names():
    text = "我叫王小明，QQ：12345678，微信号 abc_123x，联系人：李四，座机0571-88881234"
    masked = mask_pii(text)
    for secret in ("王小明", "12345678", "abc_123x", "李四", "88881234"):
        assert secret not in masked
    assert masked.count("<社交账号>") == 2 and masked.count("<姓名>") == 2 and "<电话>" in masked
    # Words that only look like the patterns stay.
    assert mask_pii("我是业主，微信群里说的") == "我是业主，微信群里说的"


@pytest.mark.django_db
def test_other_apps_add_words_to_the_dictionary(city):
    from hotline.text import segment

    segment.term_sources.append(lambda: ["梧桐巷口"])
    try:
        reload_dictionary()
        assert "梧桐巷口" in tokens("梧桐巷口的井盖丢了")
    finally:
        segment.term_sources.pop()
        segment.invalidate()
