from django.db import migrations


def seed(apps, schema_editor):
    from hotline.channels.reference import ensure_templates

    ensure_templates(apps.get_model("channels", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [("channels", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
