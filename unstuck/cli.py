"""The `unstuck` command: Django's management commands under the product's name (`unstuck run`, `unstuck demo`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unstuck.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["unstuck", *sys.argv[1:]])


if __name__ == "__main__":
    main()
