"""The ``hotline`` command: Django's management commands under a shorter name.

``hotline serve``, ``hotline worker``, ``hotline demo``, ``hotline migrate``, ``hotline calendar add …``,
``hotline taxonomy import FILE`` and every other management command of the platform.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"worker": "run_huey"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["hotline", *args])


if __name__ == "__main__":
    main()
