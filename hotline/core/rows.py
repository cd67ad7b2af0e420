"""Rows read and written by hand-written SQL, for the few statements on every request's path.

Compiling an ORM statement costs more than running it. The API token lookup (a token, its user and the
user's unit: one indexed row) spent 1.0 of its 1.2 ms of CPU in the query compiler and the model
iterable; as one hand-written statement it costs 0.2 ms. Intake and every transition of an order write
through here for the same reason.

``Table`` keeps that honest. The column lists come from the model's own fields; values written go through
each field's ``pre_save`` and ``get_db_prep_save`` and values read through the converters the database
backend and the field declare (SQLite's datetimes, booleans and decimals), exactly as the ORM does, so a
row written or read here is the row the ORM would write or read (``core/tests/test_rows.py`` compares
them). No signals are sent, as with the ORM's bulk operations. Keep it to hot paths; everything else uses
the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class Table(Generic[M]):
    """The table of ``model`` (with an auto-incremented primary key), as ``alias`` in a SELECT."""

    def __init__(self, model: type[M], alias: str = "t"):
        meta = model._meta
        if meta.auto_field is None:
            raise TypeError(f"{model.__name__} has no auto-incremented primary key")
        self.model, self.alias = model, alias
        self.fields: list[models.Field[Any, Any]] = list(meta.concrete_fields)
        self._attnames = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(meta.pk)
        self._by_name = {f.name: f for f in self.fields} | {f.attname: f for f in self.fields}
        self._inserted = [f for f in self.fields if f is not meta.auto_field]
        self._plain = [_plain_types(f) for f in self._inserted]
        # per database alias: (position, column expression, converters) of the columns that need them
        self._converters: dict[str, list[tuple[int, Any, list[Converter]]]] = {}
        self._columns: dict[str, str] = {}  # the SELECT list, per database vendor

    def __len__(self) -> int:
        return len(self.fields)

    def name(self, connection: BaseDatabaseWrapper = default_connection) -> str:
        connection = _real(connection)
        return connection.ops.quote_name(self.model._meta.db_table)

    def columns(self, connection: BaseDatabaseWrapper = default_connection) -> str:
        """``alias."column", …`` for a SELECT list, in the order ``load`` reads them."""
        connection = _real(connection)
        known = self._columns.get(connection.vendor)
        if known is None:
            quote = connection.ops.quote_name
            known = self._columns[connection.vendor] = ", ".join(
                f"{self.alias}.{quote(f.column)}" for f in self.fields
            )
        return known

    def load(self, values: Sequence[Any], connection: BaseDatabaseWrapper = default_connection) -> M:
        """The instance of the row ``values`` (this model's columns, in the order of ``columns``)."""
        connection = _real(connection)
        values = list(values)
        for i, expression, converters in self._converters_of(connection):
            for convert in converters:
                values[i] = convert(values[i], expression, connection)
        return self.model.from_db(connection.alias, self._attnames, values)

    def locked(self, pk: int, connection: BaseDatabaseWrapper = default_connection) -> M | None:
        """The row ``pk``, locked for the rest of the transaction (``SELECT … FOR UPDATE`` where the
        database has it; SQLite's writer already holds the whole database)."""
        connection = _real(connection)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        pk_column = connection.ops.quote_name(self.model._meta.pk.column)
        sql = f"SELECT {self.columns(connection)} FROM {self.name(connection)} {self.alias} "  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(f"{sql}WHERE {self.alias}.{pk_column} = %s{lock}", [pk])
            row = cursor.fetchone()
        return None if row is None else self.load(row, connection)

    def insert(self, objs: Sequence[M], connection: BaseDatabaseWrapper = default_connection) -> None:
        """INSERT ``objs`` in one statement and give each its primary key, as ``bulk_create`` would."""
        connection = _real(connection)
        if not objs:
            return
        params: list[Any] = []
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
            for f, plain in zip(self._inserted, self._plain, strict=True):
                value = getattr(obj, f.attname)
                if type(value) not in plain:
                    value = f.get_db_prep_save(f.pre_save(obj, True), connection)
                params.append(value)
        quote = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(self._inserted)) + ")"
        pk_column = quote(self.model._meta.pk.column)
        sql = (
            f"INSERT INTO {self.name(connection)} ({', '.join(quote(f.column) for f in self._inserted)}) "  # noqa: S608
            f"VALUES {', '.join([row] * len(objs))} RETURNING {pk_column}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = cursor.fetchall()
        for obj, (pk,) in zip(objs, keys, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias

    def update(
        self,
        obj: M,
        names: Sequence[str],
        connection: BaseDatabaseWrapper = default_connection,
        *,
        unlogged: bool = False,
    ) -> None:
        """UPDATE the fields ``names`` of the saved ``obj``, as ``obj.save(update_fields=names)`` would.
        ``unlogged``: not recorded in ``connection.queries`` even with DEBUG on, for a value of many
        megabytes (a category model's weights), which the record would copy as quoted text several times
        its size."""
        connection = _real(connection)
        meta, quote = self.model._meta, connection.ops.quote_name
        unknown = [name for name in names if name not in self._by_name]
        if unknown:
            raise ValueError(f"{unknown} are not columns of {self.model.__name__}")
        fields = [self._by_name[name] for name in names]
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
        sql = f"UPDATE {self.name(connection)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        with _unlogged_cursor(connection) if unlogged else connection.cursor() as cursor:
            cursor.execute(sql, [*params, obj.pk])
            if cursor.rowcount != 1:
                raise ObjectDoesNotExist(f"{self.model.__name__} {obj.pk} is gone")

    def _converters_of(self, connection: BaseDatabaseWrapper) -> list[tuple[int, Any, list[Converter]]]:
        known = self._converters.get(connection.alias)
        if known is None:
            known = []
            for i, f in enumerate(self.fields):
                expression = f.get_col(self.model._meta.db_table)
                converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                    connection
                )
                if converters:
                    known.append((i, expression, converters))
            self._converters[connection.alias] = known
        return known


# Field classes whose preparation for the database (pre_save, then get_db_prep_save) gives back a value of
# these exact types unchanged; any other value takes the field's own way. Subclasses are not listed: they
# may prepare differently. Integer columns are not either: on psycopg 3 Django gives their values the
# column's own integer type. Preparing every field of an order was a tenth of an API create's profiled
# time.
_PLAIN: dict[type[models.Field[Any, Any]], tuple[type, ...]] = {
    models.CharField: (str, type(None)),
    models.TextField: (str, type(None)),
    models.BooleanField: (bool,),
}


def _plain_types(field: models.Field[Any, Any]) -> tuple[type, ...]:
    if type(field) is models.ForeignKey:
        # a key to an automatic primary key goes as the int it is (AutoFieldMixin.get_db_prep_value)
        return (int, type(None)) if isinstance(field.target_field, AutoFieldMixin) else ()
    return _PLAIN.get(type(field), ())


def _real(connection: BaseDatabaseWrapper) -> BaseDatabaseWrapper:
    """The default connection itself rather than ``django.db.connection``, its proxy: every attribute read
    through the proxy is a lookup in a context-local store, and writing one order's fields read it about
    fifty times (a twentieth of an API create's profiled time)."""
    return connections[DEFAULT_DB_ALIAS] if connection is default_connection else connection


def _unlogged_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """What ``connection.cursor()`` gives, without the debug wrapper DEBUG puts around it."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        return connection.make_cursor(connection.create_cursor())


def split(row: Sequence[Any], *tables: Table[Any]) -> list[Any]:
    """The instances of one row that selected ``tables``' columns side by side, in that order; a table
    whose primary key is NULL (the outer side of a LEFT JOIN found nothing) gives None."""
    instances: list[Any] = []
    start = 0
    for table in tables:
        values = row[start : start + len(table)]
        start += len(table)
        pk = values[table.pk_index]
        instances.append(None if pk is None else table.load(values))
    return instances
