"""Every app's Chinese catalogue is complete: no empty and no fuzzy translation (the UI is Chinese by
default, so an untranslated string shows English to every user)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def entries(path: Path) -> list[tuple[str, bool, list[str]]]:
    """(msgid, fuzzy, msgstrs) of each entry except the header."""
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, list[str]] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                current = match.group(1)
                parts[current] = [ast.literal_eval(match.group(2))]
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        if "msgid" not in parts:
            continue
        msgid = "".join(parts["msgid"])
        if not msgid:
            continue
        found.append((msgid, fuzzy, ["".join(v) for k, v in parts.items() if k.startswith("msgstr")]))
    return found


def test_the_catalogues_are_found():
    apps = {path.parts[-5] for path in CATALOGUES}
    assert {"workbench", "portal", "core", "workorders"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_no_empty_or_fuzzy_translation(path):
    problems = [
        f"{'fuzzy' if fuzzy else 'empty'}: {msgid!r}"
        for msgid, fuzzy, strings in entries(path)
        if fuzzy or not strings or any(not s for s in strings)
    ]
    assert not problems, f"{path.relative_to(ROOT.parent)}:\n" + "\n".join(problems)
