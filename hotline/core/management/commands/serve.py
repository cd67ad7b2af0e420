"""``hotline serve``: the production web server (gunicorn, several worker processes)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def default_workers() -> int:
    """One worker process per core and one more, each with two threads (``--threads``): a request is
    mostly Python on the CPU, and the threads overlap its waits on the database. On the 2-core benchmark
    machine, three workers created 315-329 orders a second through the API where four (two per core,
    the usual advice for single-threaded workers) created 280-290 (bench/api_intake.py, 2026-12-02)."""
    return (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Run the web server with gunicorn (several worker processes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--config",
            "python:config.gunicorn",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
        ]
        self.stdout.write(
            f"serving on http://{options['host']}:{options['port']} with {options['workers']} workers"
        )
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
