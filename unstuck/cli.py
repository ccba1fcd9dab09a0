"""The `unstuck` command: Django's management commands under the product's name (`unstuck run`, `unstuck demo`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unstuck.settings.base")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # `unstuck triage-eval` runs the triage_eval command
    execute_from_command_line(["unstuck", *args])


if __name__ == "__main__":
    main()
