from django.db import migrations


def load(apps, schema_editor):
    from hotline.sla.defaults import ensure_defaults

    ensure_defaults(*(apps.get_model("sla", name) for name in ("CalendarDay", "CalendarYear", "WorkingPeriod", "SlaPolicy")))


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
