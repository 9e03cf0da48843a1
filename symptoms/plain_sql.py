"""Plain SQL for the few statements every diary save runs.

On each save, building these statements with the ORM cost more than the database's work
(bench/load.py, README "Benchmarks"). Values still go through the model fields' own
conversions both ways, so what is written and read is exactly what the ORM would write and
read, on PostgreSQL and SQLite alike.
"""

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model

Converter = tuple[Callable[..., Any], Any]


def field(model: type[Model], name: str) -> Field:
    found = model._meta.get_field(name)
    assert isinstance(found, Field)
    return found


def column_name(model: type[Model], name: str) -> str:
    """A field's column, quoted for this database."""
    return connection.ops.quote_name(str(field(model, name).column))


def read_rows(sql: str, params: Sequence[Any], fields: Sequence[Field | None]) -> list[list[Any]]:
    """Run a SELECT; each column converted as the ORM would convert `fields[i]` (None: left as read)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    converters = _converters(tuple(fields), connection.vendor)
    return [[_convert(value, steps) if steps else value for value, steps in zip(row, converters, strict=True)]
            for row in rows]


@functools.cache
def _converters(fields: tuple[Field | None, ...], vendor: str) -> list[list[Converter]]:
    """What the ORM applies to each column it reads (a JSON string to a list, SQLite's text to a
    datetime...), for this database; worked out once per list of fields."""
    result: list[list[Converter]] = []
    for column_field in fields:
        if column_field is None:
            result.append([])
            continue
        column = column_field.get_col(column_field.model._meta.db_table)
        result.append([(converter, column) for converter in
                       [*connection.ops.get_db_converters(column), *column_field.get_db_converters(connection)]])
    return result


def _convert(value: Any, converters: list[Converter]) -> Any:
    for converter, column in converters:
        value = converter(value, column, connection)
    return value


def upsert(objects: Sequence[Model], unique_fields: Sequence[str], update_fields: Sequence[str]) -> None:
    """`INSERT … ON CONFLICT (unique_fields) DO UPDATE SET update_fields … RETURNING pk` of these
    objects of one model, written as `bulk_create(update_conflicts=True)` writes them (`auto_now`
    fields set, each value prepared by its field); sets each object's primary key."""
    model = type(objects[0])
    meta = model._meta
    fields = [column for column in meta.concrete_fields if column is not meta.auto_field]
    quote = connection.ops.quote_name
    params = []
    for instance in objects:
        for column in fields:
            params.append(column.get_db_prep_save(column.pre_save(instance, add=True), connection))
    row = f"({', '.join(['%s'] * len(fields))})"
    updates = ", ".join(f"{column_name(model, name)} = EXCLUDED.{column_name(model, name)}" for name in update_fields)
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(column.column)) for column in fields)}) "
           f"VALUES {', '.join([row] * len(objects))} "
           f"ON CONFLICT ({', '.join(column_name(model, name) for name in unique_fields)}) "
           f"DO UPDATE SET {updates} RETURNING {quote(str(meta.pk.column))}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [key for (key,) in cursor.fetchall()]
    if meta.auto_field is not None:
        for instance, key in zip(objects, keys, strict=True):
            instance.pk = key
