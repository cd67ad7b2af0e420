from django.db import migrations


def create(apps, schema_editor):
    from hotline.feedback.defaults import ensure_default_exemptions

    ensure_default_exemptions(apps.get_model("feedback", "CallbackExemption"))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
