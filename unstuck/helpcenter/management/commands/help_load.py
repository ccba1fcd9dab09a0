"""`unstuck help-load ARTICLES.csv [--category NAME]` or `unstuck help-load --demo`: idempotent imports."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from unstuck.helpcenter import loader


class Command(BaseCommand):
    help = "Load help center articles from a CSV (id,title,body[,category]) or the Fernhill demo set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="CSV with id,title,body and optionally category")
        parser.add_argument("--category", default="General", help="category for rows without one")
        parser.add_argument("--demo", action="store_true", help="load the Fernhill demo articles")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["demo"]:
            result = loader.load_demo_articles()
        elif options["path"]:
            try:
                rows = loader.read_csv(options["path"], category=options["category"])
            except (OSError, KeyError) as error:
                raise CommandError(f"Cannot read {options['path']}: {error}") from error
            result = loader.load_articles(rows)
        else:
            raise CommandError("Give a CSV path or --demo.")
        self.stdout.write(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged")
