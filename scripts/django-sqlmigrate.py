"""
Records the SQL real Django sends for every migration of a Django project, in the order `migrate` applies them.

    DATABASE_URL=postgres://… python scripts/django-sqlmigrate.py <project folder> [--settings module]

For each migration of the project's own apps, in the migration graph's order: `manage.py sqlmigrate app name`
(its SQL), then `manage.py migrate app name`, so the next migration's sqlmigrate introspects the database as it
really stands (Django looks up constraint names there). The database must be empty. Prints JSON on stdout:
{"django": version, "postgres": server version, "migrations": [{"app", "name", "sql"}]}.
"""
import io
import json
import os
import sys


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: django-sqlmigrate.py <project folder> [--settings module]")
    project = os.path.abspath(args[0])
    settings = args[args.index("--settings") + 1] if "--settings" in args else None
    sys.path.insert(0, project)
    if settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings
    elif "DJANGO_SETTINGS_MODULE" not in os.environ:
        sys.exit("set --settings or DJANGO_SETTINGS_MODULE")

    import django
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    django.setup()
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    own = {
        app
        for app, path in ((a, loader.migrations_module(a)[0]) for a in loader.migrated_apps)
        if path and os.path.abspath(os.path.dirname(__import__(path, fromlist=["_"]).__file__)).startswith(project)
    }
    plan = [key for key in loader.graph.leaf_nodes() if key[0] in own]
    order = []
    for leaf in plan:
        for key in loader.graph.forwards_plan(leaf):
            if key not in order:
                order.append(key)
    out = []
    for app, name in order:
        if app not in own:
            call_command("migrate", app, name, verbosity=0)
            continue
        buf = io.StringIO()
        call_command("sqlmigrate", app, name, stdout=buf, no_color=True)
        out.append({"app": app, "name": name, "sql": buf.getvalue()})
        call_command("migrate", app, name, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    json.dump({"django": django.get_version(), "postgres": server, "migrations": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
