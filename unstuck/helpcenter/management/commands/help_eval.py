"""`unstuck help-eval --articles A.csv --queries Q.csv [--history H.csv | --split 1000] [--json]`."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from unstuck.helpcenter import evaluation


class Command(BaseCommand):
    help = "Measure article suggestions: MRR@5, hit@1, hit@5 and p95 latency over labelled queries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", required=True, type=Path, help="CSV with id,title,body")
        parser.add_argument("--queries", required=True, type=Path, help="CSV with text,article_id")
        parser.add_argument("--history", type=Path, help="CSV with text,article_id the suggester may learn from")
        parser.add_argument(
            "--split",
            type=int,
            metavar="N",
            help="evaluate N stratified queries of --queries and learn from the rest (when no --history)",
        )
        parser.add_argument("--no-history", action="store_true", help="with --split: lexical search alone")
        parser.add_argument("--json", action="store_true", help="print one JSON line")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            articles = evaluation.read_articles(options["articles"])
            queries = evaluation.read_labelled(options["queries"])
            history = evaluation.read_labelled(options["history"]) if options["history"] else []
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["split"]:
            queries, rest = evaluation.split_stratified(queries, size=options["split"])
            history = history or rest
        if options["no_history"]:
            history = []
        result = evaluation.evaluate(articles, queries, history)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        self.stdout.write(
            f"{result.queries} queries, {result.articles} articles, {result.history} history rows\n"
            f"MRR@5 {result.mrr_at_5:.3f}   hit@1 {result.hit_at_1:.1%}   hit@5 {result.hit_at_5:.1%}\n"
            f"latency p50 {result.p50_ms:.1f} ms   p95 {result.p95_ms:.1f} ms"
        )
