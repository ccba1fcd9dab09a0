"""Database tuning that Django's settings cannot express."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def tune_sqlite(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give SQLite a larger page cache and memory-mapped reads: the inbox and search scan big indexes."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB
        cursor.execute("PRAGMA mmap_size=268435456")  # 256 MiB
        cursor.execute("PRAGMA temp_store=MEMORY")


def first_pk(model: type[models.Model], where: str, params: Sequence[Any]) -> Any:
    """The lowest primary key matching `where` (constant SQL from the caller, values in `params`), or None.

    For lookups run on every received message: building and compiling an ORM query there took about ten
    times longer than the database needed to answer it.
    """
    table, pk = model._meta.db_table, model._meta.pk.column  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk} FROM {table} WHERE {where} ORDER BY {pk} LIMIT 1", list(params))
        row = cursor.fetchone()
    return row[0] if row else None
