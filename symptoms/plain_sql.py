"""Plain SQL for the read every diary save runs with the patient's lock (`evaluation.lock_patients`).

Building that statement with the ORM cost more than the database's work (one PUT went from
12.7 to 6.7 ms, bench/load.py and README "Benchmarks"). Each column still goes through the
model field's own conversion, so what is read is exactly what the ORM would read, on
PostgreSQL and SQLite alike. (Writes stay with the ORM: plain SQL bought nothing measurable there.)
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
