"""``hotline analytics rebuild|verify|warn|sign``: maintenance of the analysis app's derived data."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hotline.core import clock


class Command(BaseCommand):
    help = (
        "rebuild: recompute the dashboards' facts and counters from the orders; verify: compare the counters "
        "with a full recount; warn: run the early-warning scan now; sign: compute missing text signatures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="recompute facts and counters")
        sub.add_parser("verify", help="compare the counters with a recount")
        warn = sub.add_parser("warn", help="run the early-warning scan")
        warn.add_argument("--day", help="evaluate this day (YYYY-MM-DD) instead of yesterday and today")
        sign = sub.add_parser("sign", help="compute the missing text signatures of a window")
        sign.add_argument("--days", type=int, default=90, help="how many days back (default 90)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rebuild":
            from hotline.analytics.counters import rebuild

            bar = tqdm(unit="orders", file=sys.stderr)
            done = [0]

            def progress(count: int) -> None:
                bar.update(count - done[0])
                done[0] = count

            result = rebuild(progress=progress)
            bar.close()
            self.stdout.write(f"rebuilt: {result['orders']} orders, {result['counters']} counter rows")
        elif action == "verify":
            from hotline.analytics.counters import verify

            differences = verify()
            for key, stored, fresh in differences[:20]:
                changed = {m: (stored[m], fresh[m]) for m in stored if stored[m] != fresh[m]}
                self.stdout.write(f"{key[0]} {key[1]}={key[2]}: {changed}")
            if differences:
                raise CommandError(f"{len(differences)} counter rows differ; run `hotline analytics rebuild`")
            self.stdout.write("counters agree with a full recount")
        elif action == "warn":
            from hotline.analytics.earlywarning.services import scan

            days = None
            if options["day"]:
                try:
                    days = (dt.date.fromisoformat(options["day"]),)
                except ValueError as exc:
                    raise CommandError("--day must be a date (YYYY-MM-DD)") from exc
            alerts = scan(now=clock.now(), days=days)
            for alert in alerts:
                self.stdout.write(
                    f"{alert.get_kind_display()}: {alert.category_name} {alert.district_name} "
                    f"{alert.period_start}–{alert.period_end} observed {alert.observed:g}, expected {alert.expected:g}"
                )
            self.stdout.write(f"{len(alerts)} new early warnings")
        elif action == "sign":
            from hotline.analytics.hotspots.signatures import missing_signatures, sign_orders

            until = clock.now()
            missing = missing_signatures(since=until - dt.timedelta(days=options["days"]), until=until)
            bar = tqdm(total=len(missing), unit="orders", file=sys.stderr)
            for start in range(0, len(missing), 1000):
                bar.update(sign_orders(missing[start : start + 1000]))
            bar.close()
            self.stdout.write(f"{len(missing)} signatures computed")
