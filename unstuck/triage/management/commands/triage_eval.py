"""`unstuck triage-eval`: measure the category model or the built-in hierarchy model on CSV files."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from unstuck.triage.engine.evaluation import evaluate_category, evaluate_hierarchy, read_category_csv
from unstuck.triage.engine.textmodel import resolve_engine


class Command(BaseCommand):
    help = (
        "Evaluate triage. Category model: --train TRAIN.csv --test TEST.csv (columns text,category) [--shots K]. "
        "Hierarchy model: --hierarchy --test FILE.csv (columns text,level[,urgent,temperature]). Prints one JSON line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", help="CSV with columns text,category to train the category model on")
        parser.add_argument("--test", required=True, help="CSV to evaluate on")
        parser.add_argument("--hierarchy", action="store_true", help="evaluate the built-in hierarchy model")
        parser.add_argument("--shots", type=int, help="K training examples per class (mean over 3 seeds)")
        parser.add_argument("--engine", choices=["default", "semantic"], help="model family (default: best installed)")
        parser.add_argument("--json", action="store_true", help="JSON output (the default; kept for scripts)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            engine = resolve_engine(options.get("engine"))
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            if options["hierarchy"]:
                result = evaluate_hierarchy(options["test"], engine=engine)
            else:
                if not options.get("train"):
                    raise CommandError("--train is required unless --hierarchy is given.")
                train, test = read_category_csv(options["train"]), read_category_csv(options["test"])
                if len(set(train[1])) < 2:
                    raise CommandError("The training file needs at least two categories.")
                shots = options.get("shots")
                if shots is not None and shots < 1:
                    raise CommandError("--shots must be at least 1.")
                result = evaluate_category(train, test, engine=engine, shots=shots)
        except FileNotFoundError as error:
            raise CommandError(f"File not found: {error.filename}") from error
        self.stdout.write(json.dumps(result))
