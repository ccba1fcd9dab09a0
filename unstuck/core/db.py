"""Database tuning that Django's settings cannot express."""

from typing import Any


def tune_sqlite(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give SQLite a larger page cache and memory-mapped reads: the inbox and search scan big indexes."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB
        cursor.execute("PRAGMA mmap_size=268435456")  # 256 MiB
        cursor.execute("PRAGMA temp_store=MEMORY")
