from django.db import migrations, models

SQLITE_FORWARD = [
    # External-content FTS5 index over search_searchdocument, kept in sync by triggers.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        kind, title, body, content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, new.kind, new.title, new.body);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, kind, title, body)
        VALUES ('delete', old.id, old.kind, old.title, old.body);
    END""",
    """CREATE TRIGGER search_doc_au AFTER UPDATE OF kind, title, body ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, kind, title, body)
        VALUES ('delete', old.id, old.kind, old.title, old.body);
        INSERT INTO search_fts(rowid, kind, title, body) VALUES (new.id, new.kind, new.title, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX search_doc_tsv ON search_searchdocument USING GIN (
        (setweight(to_tsvector('english', coalesce(title, '')), 'A')
         || setweight(to_tsvector('english', coalesce(body, '')), 'B')))""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS search_doc_tsv"]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=20)),
                ("ref_id", models.BigIntegerField()),
                ("group_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("title", models.CharField(blank=True, max_length=300)),
                ("body", models.TextField(blank=True)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "ref_id"), name="searchdoc_kind_ref")],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
