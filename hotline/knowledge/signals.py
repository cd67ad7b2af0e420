"""Synonym groups change how queries are expanded: every process reloads them with the next search."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import SynonymGroup
from .search.engine import bump_generation


@receiver(post_save, sender=SynonymGroup)
@receiver(post_delete, sender=SynonymGroup)
def synonyms_changed(sender: type[SynonymGroup], **kwargs: Any) -> None:
    with transaction.atomic():
        bump_generation()
