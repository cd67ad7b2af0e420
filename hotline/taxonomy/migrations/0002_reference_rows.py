from django.db import migrations


def load(apps, schema_editor):
    from hotline.taxonomy.reference import ensure_reference_rows

    ensure_reference_rows(apps.get_model("taxonomy", "Channel"), apps.get_model("taxonomy", "RejectionReason"))


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
