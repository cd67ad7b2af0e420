"""A test client that calls the JSON API as a system would: with a bearer token of a given user."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from hotline.core.clock import now
from hotline.directory.models import User

from .services import token_create


class ApiClient:
    def __init__(self, user: User | None = None, *, token: str | None = None):
        if token is None and user is not None:
            _, token = token_create(user=user, name="test", now=now())
        self.token = token
        self.client = Client()

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def get(
        self, path: str, params: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.get(_url(path), params or {}, headers=self._headers(headers))

    def post(
        self, path: str, body: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.post(
            _url(path),
            json.dumps(body or {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def patch(self, path: str, body: dict[str, Any], *, headers: dict[str, str] | None = None) -> Any:
        return self.client.patch(
            _url(path), json.dumps(body), content_type="application/json", headers=self._headers(headers)
        )

    def upload(self, path: str, data: dict[str, Any], *, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(_url(path), data, headers=self._headers(headers))


def _url(path: str) -> str:
    return path if path.startswith("/") else f"/api/v1/{path}"
