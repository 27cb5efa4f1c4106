"""Convert domain dataclasses to plain values (YAML, SQLite rows) and back, with clear errors.

One converter serves the export file, the import file and the database rows, so the three
cannot drift apart. Field names are the column names and the YAML keys.
"""

from __future__ import annotations

import dataclasses
import json
import reprlib
import types
from datetime import date, datetime, time
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from bot.model.domain import LeadTime, LocalizedText, PartialDate

T = TypeVar("T")

UNDETERMINED = "und"
"""Language tag of a text given only in its original, untranslated form (a town's name)."""


MAX_WHOLE = 1_000_000
"""Whole numbers of a dataset are counts, positions and minutes: none is negative or
larger (and SQLite stores no integer beyond 64 bits)."""
MAX_YEAR = 9999  # Python's dates end there
MAX_MESSAGE = 300
"""Characters of an error line; longer ones are cut (a value is quoted shortened anyway)."""


class DatasetError(ValueError):
    """Bad data, with the path to the offending field (`phases[2].starts`). Its text is
    always one line: the command prints it as its only word on a bad file."""

    def __init__(self, path: str, message: str) -> None:
        line = " ".join(f"{path}: {message}".splitlines())
        if len(line) > MAX_MESSAGE:
            line = line[: MAX_MESSAGE - 1] + "…"
        super().__init__(line)
        self.path = path
        self.message = message


def _short_repr() -> reprlib.Repr:
    shown = reprlib.Repr()
    shown.maxstring = shown.maxother = 60
    shown.maxlist = shown.maxtuple = shown.maxdict = shown.maxset = 4
    shown.maxlevel = 2
    return shown


_SHOWN = _short_repr()


def quoted(value: Any) -> str:
    """A value as an error message shows it: its repr, shortened, however large or deep
    (a "billion laughs" file's value would not fit in memory printed in full)."""
    return _SHOWN.repr(value)


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    hint: Any
    required: bool
    default: Any
    json_column: bool


_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields(cls: type) -> tuple[_Field, ...]:
    """Per class, once: each field's type hint, default, and whether it is JSON in SQLite."""
    if cls not in _FIELDS:
        _FIELDS[cls] = _describe(cls)
    return _FIELDS[cls]


def _describe(cls: type) -> tuple[_Field, ...]:
    hints = get_type_hints(cls)
    return tuple(
        _Field(
            f.name,
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            f.default,
            _is_json_field(hints[f.name]),
        )
        for f in dataclasses.fields(cls)
    )


@cache
def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


def to_plain(obj: Any, *, for_db: bool = False) -> dict[str, Any]:
    """A dataclass as a dict of plain values; defaults are left out unless `for_db`."""
    out: dict[str, Any] = {}
    for f in _fields(type(obj)):
        value = getattr(obj, f.name)
        if not for_db and not f.required and value == f.default:
            continue
        plain = _value_to_plain(value)
        if for_db and isinstance(value, (LocalizedText, tuple)):
            plain = json.dumps(plain, ensure_ascii=False)
        out[f.name] = plain
    return out


def _value_to_plain(value: Any) -> Any:
    if isinstance(value, LocalizedText):
        if len(value.variants) == 1 and value.variants[0][0] == UNDETERMINED:
            return value.original
        return dict(value.variants)
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, LeadTime):
        return value.text()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return list(value)
    return value


def from_plain(cls: type[T], data: Any, path: str, *, from_db: bool = False) -> T:
    """Build a `cls` from a mapping, naming the path of the first bad or unknown field."""
    if not isinstance(data, dict):
        raise DatasetError(path, f"expected a mapping, got {type(data).__name__}")
    fields = _fields(cls)
    if len(data) > len(fields) or not set(data) <= {f.name for f in fields}:
        unknown = sorted(set(data) - {f.name for f in fields}, key=str)  # keys of any type
        raise DatasetError(f"{path}.{field_name(unknown[0])}", "unknown field")
    kwargs: dict[str, Any] = {}
    for f in fields:
        if f.name not in data:
            if f.required:
                raise DatasetError(f"{path}.{f.name}", "missing")
            continue
        value = data[f.name]
        if from_db and f.json_column and isinstance(value, str):
            value = json.loads(value)
        kwargs[f.name] = _value_from_plain(f.hint, value, f"{path}.{f.name}")
    try:
        return cls(**kwargs)
    except ValueError as exc:
        raise DatasetError(path, str(exc)) from exc


def field_name(key: Any) -> str:
    """A mapping's key as a path shows it: a plain name as it is, anything else quoted."""
    plain = isinstance(key, str) and key.isidentifier() and len(key) <= 40
    return key if plain else quoted(key)


def _is_json_field(hint: Any) -> bool:
    inner, _ = _unwrap_optional(hint)
    return inner is LocalizedText or get_origin(inner) is tuple


def _value_from_plain(hint: Any, value: Any, path: str) -> Any:
    hint, optional = _unwrap_optional(hint)
    if value is None:
        if optional:
            return None
        raise DatasetError(path, "must not be empty")
    try:
        if hint is LocalizedText:
            return _localized(value, path)
        if hint is PartialDate:
            if isinstance(value, bool):
                raise ValueError(f"{value!r} is not a date")
            if isinstance(value, int):  # YAML reads an unquoted 2014 as a number
                if not 1 <= value <= MAX_YEAR:
                    raise ValueError(f"the year {quoted(value)} is not one from 1 to {MAX_YEAR}")
                return PartialDate(value)
            if isinstance(value, date) and not isinstance(value, datetime):
                return PartialDate.of(value)
            return PartialDate.parse(_text(value))
        if hint is LeadTime:
            return LeadTime.parse(_text(value))
        if hint is time:
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1440:
                # YAML 1.1 reads an unquoted 16:00 as base-60 minutes (960).
                return time(value // 60, value % 60)
            return time.fromisoformat(_text(value))
        if hint is datetime:
            stamp = value if isinstance(value, datetime) else datetime.fromisoformat(_text(value))
            if stamp.tzinfo is not None:
                raise ValueError("give the local wall-clock time without an offset")
            return stamp
        if isinstance(hint, type) and issubclass(hint, Enum):
            choices = [member.value for member in hint]
            if value not in choices:
                raise ValueError(f"expected one of {', '.join(choices)}, got {quoted(value)}")
            return hint(value)
        if get_origin(hint) is tuple:
            if not isinstance(value, list):
                raise ValueError("expected a list")
            return tuple(_text(v) for v in value)
        if hint is bool:
            if not isinstance(value, bool):
                raise ValueError("expected true or false")
            return value
        if hint is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"expected a whole number, got {quoted(value)}")
            if not 0 <= value <= MAX_WHOLE:
                raise ValueError(f"expected a whole number from 0 to {MAX_WHOLE:,}")
            return value
        if hint is str:
            return _text(value)
    except DatasetError:
        raise
    except (ValueError, OverflowError) as exc:
        raise DatasetError(path, str(exc)) from exc
    raise DatasetError(path, f"unsupported type {hint!r}")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a text, got {quoted(value)}")
    return value


def _localized(value: Any, path: str) -> LocalizedText:
    if isinstance(value, str):
        return LocalizedText(((UNDETERMINED, _text(value)),))
    if isinstance(value, dict) and value:
        return LocalizedText(tuple((str(k), _text(v)) for k, v in value.items()))
    raise DatasetError(path, "expected a text or a mapping of language to text")
