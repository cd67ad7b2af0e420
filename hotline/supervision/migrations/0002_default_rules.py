from django.db import migrations


def create_rules(apps, schema_editor):
    from hotline.supervision.rules import RULES

    rule_model = apps.get_model("supervision", "SupervisionRule")
    for position, spec in enumerate(RULES.values(), start=1):
        rule_model.objects.get_or_create(
            code=spec.code,
            defaults={
                "level": spec.level,
                "thresholds": spec.default_thresholds(),
                "respond_within": spec.respond_within,
                "escalate_after": spec.escalate_after,
                "order": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
