"""The PromptOps schema for gql: `schema.graphql` (the server's contract) with its custom scalars
and the enums this client uses mapped to Python types.

- `DateTime` (an RFC 3339 string on the wire) is a timezone-aware `datetime.datetime`: results
  are parsed into one, and variables must be one (a naive datetime is refused).
- `JSON` (any JSON value) is the Python value itself (dict, list, str, int, float, bool, None),
  checked to be JSON-encodable when sent; JSON literals in documents become Python values.
- `MessageRole`, `Provider`, `ExecutionStatus` and `ExecutionEventType` are Python `Enum`s.

A `gql.Client` built with `schema=load_schema()`, `parse_results=True` and
`serialize_variables=True` validates every document against the schema before sending it,
serializes variables through these types and parses results back into them.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from gql.utilities import update_schema_enum, update_schema_scalars
from graphql import (
    GraphQLScalarType,
    GraphQLSchema,
    StringValueNode,
    ValueNode,
    build_ast_schema,
    parse,
    value_from_ast_untyped,
)

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema.graphql"


def serialize_datetime(value: Any) -> str:
    if not isinstance(value, datetime):
        raise TypeError(f"DateTime expects a datetime, not {type(value).__name__}")
    if value.tzinfo is None:
        raise ValueError("DateTime expects a timezone-aware datetime")
    return value.isoformat()


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"DateTime expects an RFC 3339 string, not {value!r}")
    # Python 3.11+ reads RFC 3339 ('Z', any number of fractional digits).
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"DateTime without an offset: {value!r}")
    return parsed


def parse_datetime_literal(node: ValueNode, _variables: Any = None) -> datetime:
    if not isinstance(node, StringValueNode):
        raise TypeError("DateTime literals are strings")
    return parse_datetime(node.value)


def serialize_json(value: Any) -> Any:
    json.dumps(value, allow_nan=False)  # raises on anything JSON cannot carry
    return value


def parse_json(value: Any) -> Any:
    return value


def parse_json_literal(node: ValueNode, variables: Any = None) -> Any:
    return value_from_ast_untyped(node, variables)


DateTimeScalar = GraphQLScalarType(
    name="DateTime",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
    parse_literal=parse_datetime_literal,
)

JSONScalar = GraphQLScalarType(
    name="JSON",
    serialize=serialize_json,
    parse_value=parse_json,
    parse_literal=parse_json_literal,
)


class MessageRole(Enum):
    SYSTEM = "SYSTEM"
    USER = "USER"
    ASSISTANT = "ASSISTANT"


class Provider(Enum):
    MOCK = "MOCK"
    OPENAI = "OPENAI"
    ANTHROPIC = "ANTHROPIC"
    OPENAI_COMPATIBLE = "OPENAI_COMPATIBLE"


class ExecutionStatus(Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class ExecutionEventType(Enum):
    STARTED = "STARTED"
    TOKEN = "TOKEN"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


ENUMS: dict[str, type[Enum]] = {
    "MessageRole": MessageRole,
    "Provider": Provider,
    "ExecutionStatus": ExecutionStatus,
    "ExecutionEventType": ExecutionEventType,
}


def load_schema(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    """Builds the schema from its SDL and installs the Python mappings above.

    `update_schema_enum` fails when the schema gains a value the Python enum lacks, so a
    stale mapping is caught at start-up rather than in a result.
    """
    schema = build_ast_schema(parse(path.read_text(encoding="utf-8")))
    update_schema_scalars(schema, [DateTimeScalar, JSONScalar])
    for name, enum in ENUMS.items():
        update_schema_enum(schema, name, enum)
    return schema
