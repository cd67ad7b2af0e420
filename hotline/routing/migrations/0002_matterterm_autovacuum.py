"""PostgreSQL: vacuum the postings after every 1 % of new rows instead of 20 %.

A search reads its postings from the (term, is_open, doc) index alone only where the table's visibility
map says the rows are visible to all; postings inserted since the last vacuum send it to the table, one
page per posting. With the default insert threshold (20 % of the table), a million-order index could
hold four million postings the lookups would visit the table for; at 1 % the vacuums are frequent and
small. SQLite has no such setting."""

from django.db import migrations

TABLE = "routing_matterterm"
SETTINGS = "autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_scale_factor = 0.02"


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET ({SETTINGS})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]
    operations = [migrations.RunPython(tune, untune, elidable=False)]
