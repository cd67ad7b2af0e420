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
    assert [kind for kind, _ in find_pii(text)] == ["身份证号", "手机号", "邮箱", "车牌"]


@pytest.mark.django_db
def test_deployment_terms_stay_whole(city):
    reload_dictionary()
    assert "东湖街道办事处" in tokens("东湖街道办事处门口的路灯坏了")
    assert "的" not in tokens("东湖街道办事处门口的路灯坏了")
