"""The preset schemes (三率 and the weighted comprehensive score) ship with the platform."""

from django.db import migrations
from django.utils import timezone


def install_presets(apps, schema_editor):
    from hotline.assessment.presets import install

    install(apps.get_model("assessment", "Scheme"), apps.get_model("assessment", "Indicator"), now=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(install_presets, migrations.RunPython.noop)]
