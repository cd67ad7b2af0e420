"""Input and output schemas of the knowledge-base API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class EntryHitOut(Schema):
    id: int
    ref: str = Field(description="pass as knowledge_ref on a direct answer")
    question: str
    answer: str = Field(description="the answer as plain text")
    snippet_html: str = Field(description="the best part of the answer, query words in <mark>")
    visibility: str
    category: str | None
    score: float
    similar: list[int] = Field(description="near-duplicate entries folded into this one")


class SearchOut(Schema):
    query: str
    found_nothing: bool
    results: list[EntryHitOut]


class VersionOut(Schema):
    number: int
    question: str
    answer_html: str
    answer: str
    keywords: list[str]
    synonyms: list[str]
    category: str | None
    owner_units: list[str]
    divisions: list[str]
    effective_from: dt.date | None
    expires_on: dt.date | None
    review_cycle_days: int
    visibility: str
    created_at: dt.datetime


class EntryOut(Schema):
    id: int
    status: str
    published: VersionOut | None
    latest: VersionOut | None
    review_due_on: dt.date | None
    use_count: int
    open_reports: int


class ReportIn(Schema):
    kind: str = Field(description="wrong, outdated, unclear or other")
    comment: str = ""
    order: str = Field("", description="the order number the agent was handling, if any")


class ReportOut(Schema):
    id: int
    entry: int
    kind: str
    state: str
    created_at: dt.datetime


class PublicHitOut(Schema):
    id: int
    question: str
    answer: str
    category: str | None
