from django.db import migrations

DEFAULTS = [
    # code, name, match, value, active
    ("anonymous", "匿名来电不回访", "anonymous", "", True),
    ("praise", "表扬类诉求不回访", "request_type", "praise", True),
    ("rejected", "不予受理件不回访", "rejected", "", True),
    ("confidential", "保密来电不回访", "confidential", "", False),
]


def create(apps, schema_editor):
    exemption = apps.get_model("feedback", "CallbackExemption")
    for code, name, match, value, active in DEFAULTS:
        exemption.objects.get_or_create(
            code=code, defaults={"name": name, "match": match, "value": value, "active": active}
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
