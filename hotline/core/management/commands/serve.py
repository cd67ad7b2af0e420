"""``hotline serve``: the production web server (granian, several worker processes).

granian is an HTTP server written in Rust: it parses requests and writes responses outside Python, so
of a request's CPU only the platform's own work is left to the interpreter. In place of gunicorn it
served a tenth to a quarter more API creates on the 2-core benchmark machine, with less CPU per request
(bench/api_intake.py; docs/benchmarks.md). Each worker imports the platform itself, so no database
connection is ever shared across a fork. A worker that dies is started again.

granian has no per-request timeout (gunicorn's killed a worker silent for 60 s); a request that hangs
holds one of its worker's threads until it ends. Run it behind a reverse proxy (nginx or the like),
which terminates TLS and bounds how long a client waits.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

APPLICATION = "config.wsgi:application"


def default_workers() -> int:
    """One worker process per core and one more, each with two threads (``--threads``): a request is
    mostly Python on the CPU, and the threads overlap its waits on the database. On the 2-core benchmark
    machine, three workers created 315-329 orders a second through the API where four (two per core,
    the usual advice for single-threaded workers) created 280-290 (bench/api_intake.py, 2026-12-02, then
    with gunicorn)."""
    return (os.cpu_count() or 1) + 1


def server_argv(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The server's command line; bench/api_intake.py measures exactly this one."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        "30",
        "--access-log",
        APPLICATION,
    ]


class Command(BaseCommand):
    help = "Run the web server with granian (several worker processes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=2, help="threads per worker")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("workers", "threads"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1")
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = server_argv(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
        )
        self.stdout.write(
            f"serving on http://{options['host']}:{options['port']} with {options['workers']} workers"
        )
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with the server
