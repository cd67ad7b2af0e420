"""Bounded parameter types shared by the API's schemas: ids fit the database's integer columns."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**53  # also exact in JavaScript clients
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
