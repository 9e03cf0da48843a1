"""API tokens were DRF's, stored in clear in `authtoken_token`; they are knox's (hashed) now.

The old table is dropped, so no token that could be read from the database is left behind. Clients
sign in again for a new token.
"""

from django.db import migrations

OLD_TABLE = "authtoken_token"


def drop_old_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [("knox", "0009_extend_authtoken_field")]

    operations = [migrations.RunPython(drop_old_tokens, migrations.RunPython.noop)]
