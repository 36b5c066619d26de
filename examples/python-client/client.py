#!/usr/bin/env python3
"""A typed PromptOps client in Python, with gql.

Signs up, creates a prompt on the built-in MOCK provider's `echo` model, reads it back,
executes it and follows its `executionEvents` subscription over graphql-transport-ws, printing
the tokens and checking that the streamed text is the echoed message. Every operation is
validated against `schema.graphql` before it is sent; `DateTime` comes back as `datetime`,
`JSON` as Python values, enums as Python `Enum`s (see promptops_schema.py).

Usage: python client.py http://127.0.0.1:8080    (exits non-zero on any failure)
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gql import Client, GraphQLRequest, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.websockets import WebsocketsTransport
from graphql import GraphQLSchema

from promptops_schema import (
    ExecutionEventType,
    ExecutionStatus,
    MessageRole,
    Provider,
    load_schema,
)

TEMPLATE = "Hello {{ name }}, this is the typed Python client speaking"
VARIABLES = {"name": "world"}
EXPECTED = "Hello world, this is the typed Python client speaking"
EXTRA = {"tokenDelayMs": 20}

SIGN_UP = gql(
    """
    mutation SignUp($input: SignUpInput!) {
      signUp(input: $input) {
        accessToken
        accessTokenExpiresAt
        user { id email }
        organization { id name }
      }
    }
    """
)

CREATE_PROMPT = gql(
    """
    mutation CreatePrompt($orgId: ID!, $input: CreatePromptInput!) {
      createPrompt(orgId: $orgId, input: $input) { id slug createdAt }
    }
    """
)

PROMPT = gql(
    """
    query Prompt($id: ID!) {
      prompt(id: $id) {
        id
        name
        updatedAt
        latestVersion {
          version
          variables
          messages { role content }
          model { provider model extra }
        }
      }
    }
    """
)

EXECUTE_PROMPT = gql(
    """
    mutation ExecutePrompt($promptId: ID!, $input: ExecutePromptInput!) {
      executePrompt(promptId: $promptId, input: $input) {
        id
        status
        variables
        createdAt
        renderedMessages { role content }
      }
    }
    """
)

EXECUTION_EVENTS = gql(
    """
    subscription ExecutionEvents($executionId: ID!, $after: Int) {
      executionEvents(executionId: $executionId, after: $after) {
        seq
        type
        token
        index
        attempt
        error
        execution { id status output tokensIn tokensOut finishedAt }
      }
    }
    """
)

OPERATIONS = [SIGN_UP, CREATE_PROMPT, PROMPT, EXECUTE_PROMPT, EXECUTION_EVENTS]


class JourneyError(Exception):
    """The server answered, but not what the journey expects."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise JourneyError(message)


@dataclass(frozen=True)
class Endpoints:
    http: str
    ws: str

    @classmethod
    def from_base(cls, base: str) -> Endpoints:
        """`http://host:port` (or `…/graphql`) → `…/graphql` and `ws://…/graphql/ws`."""
        root = base.rstrip("/")
        if root.endswith("/graphql"):
            root = root[: -len("/graphql")]
        if root.startswith("https://"):
            ws_root = "wss://" + root[len("https://") :]
        elif root.startswith("http://"):
            ws_root = "ws://" + root[len("http://") :]
        else:
            raise JourneyError(f"the server URL must start with http:// or https://: {base}")
        return cls(http=f"{root}/graphql", ws=f"{ws_root}/graphql/ws")


def client(schema: GraphQLSchema, transport: Any) -> Client:
    return Client(
        schema=schema,
        transport=transport,
        parse_results=True,
        serialize_variables=True,
        execute_timeout=30,
    )


def request(document: GraphQLRequest, variables: dict[str, Any]) -> GraphQLRequest:
    return GraphQLRequest(document, variable_values=variables)


async def journey(endpoints: Endpoints, schema: GraphQLSchema) -> None:
    # Fail before any traffic if an operation no longer matches the contract.
    validator = Client(schema=schema)
    for operation in OPERATIONS:
        validator.validate(operation)

    # 1. Sign up (no credential yet).
    email = f"python-client-{uuid.uuid4().hex}@example.com"
    async with client(schema, AIOHTTPTransport(url=endpoints.http)) as session:
        result = await session.execute(
            request(
                SIGN_UP,
                {
                    "input": {
                        "email": email,
                        "password": "correct horse battery",
                        "name": "Python Client",
                        "organizationName": "Typed Clients",
                    }
                },
            )
        )
    auth = result["signUp"]
    token: str = auth["accessToken"]
    org = auth["organization"]
    check(org is not None, "signUp returned no organization")
    check(auth["user"]["email"] == email, "signUp returned another user")
    expires: datetime = auth["accessTokenExpiresAt"]
    check(isinstance(expires, datetime), f"accessTokenExpiresAt was not parsed: {expires!r}")
    print(f"signed up {email} in {org['name']!r} ({org['id']}); token valid until {expires.isoformat()}")

    headers = {"Authorization": f"Bearer {token}"}
    async with client(schema, AIOHTTPTransport(url=endpoints.http, headers=headers)) as session:
        # 2. Create a prompt on MOCK / echo. Enums go in as Python Enums, JSON as Python values.
        created = (
            await session.execute(
                request(
                    CREATE_PROMPT,
                    {
                        "orgId": org["id"],
                        "input": {
                            "name": "Typed greeting",
                            "description": "Made by the Python typed client example",
                            "tags": ["example"],
                            "version": {
                                "messages": [
                                    {"role": MessageRole.SYSTEM, "content": "Repeat after the user."},
                                    {"role": MessageRole.USER, "content": TEMPLATE},
                                ],
                                "model": {"provider": Provider.MOCK, "model": "echo", "extra": EXTRA},
                                "commitMessage": "first version",
                            },
                        },
                    },
                )
            )
        )["createPrompt"]
        check(isinstance(created["createdAt"], datetime), "createdAt was not parsed")
        print(f"created prompt {created['slug']} ({created['id']}) at {created['createdAt'].isoformat()}")

        # 3. Read it back.
        prompt = (await session.execute(request(PROMPT, {"id": created["id"]})))["prompt"]
        check(prompt is not None, f"prompt {created['id']} not found")
        version = prompt["latestVersion"]
        check(version is not None, "the prompt has no version")
        check(version["version"] == 1, f"expected version 1, got {version['version']}")
        check(version["variables"] == ["name"], f"expected the variables ['name'], got {version['variables']}")
        model = version["model"]
        check(
            model["provider"] is Provider.MOCK and model["model"] == "echo",
            f"expected MOCK/echo, got {model}",
        )
        check(model["extra"] == EXTRA, f"expected extra {EXTRA}, got {model['extra']!r}")
        last = version["messages"][-1]
        check(
            last["role"] is MessageRole.USER and last["content"] == TEMPLATE,
            f"the last message is not the template: {last}",
        )
        print(
            f"read back {prompt['name']!r} version {version['version']} (variables {version['variables']},"
            f" model {model['provider'].name}/{model['model']}, updated {prompt['updatedAt'].isoformat()})"
        )

        # 4. Execute it.
        execution = (
            await session.execute(
                request(
                    EXECUTE_PROMPT,
                    {"promptId": created["id"], "input": {"variables": VARIABLES, "cache": False}},
                )
            )
        )["executePrompt"]
        check(execution["variables"] == VARIABLES, f"recorded variables {execution['variables']!r}")
        rendered = execution["renderedMessages"][-1]["content"]
        check(rendered == EXPECTED, f"rendered {rendered!r}, expected {EXPECTED!r}")
        check(isinstance(execution["status"], ExecutionStatus), "status was not parsed to an enum")
        print(f"executing {execution['id']} ({execution['status'].name} since {execution['createdAt'].isoformat()})")

    # 5. Follow its events over graphql-transport-ws until the execution ends.
    streamed, output, tokens = await follow(endpoints, schema, token, execution["id"])
    check(streamed == EXPECTED, f"streamed {streamed!r}, expected the echoed message {EXPECTED!r}")
    check(output == EXPECTED, f"the execution's output is {output!r}, expected {EXPECTED!r}")
    print(f"OK: {tokens} tokens streamed, equal to the echoed message")


async def follow(
    endpoints: Endpoints, schema: GraphQLSchema, token: str, execution_id: str
) -> tuple[str, str | None, int]:
    transport = WebsocketsTransport(
        url=endpoints.ws,
        init_payload={"authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    streamed = ""
    tokens = 0
    output: str | None = None
    ended = False
    last_seq = 0
    async with client(schema, transport) as session:
        events = session.subscribe(request(EXECUTION_EVENTS, {"executionId": execution_id}))
        async for data in events:
            event = data["executionEvents"]
            check(event["seq"] > last_seq, f"seq went from {last_seq} to {event['seq']}")
            last_seq = event["seq"]
            kind: ExecutionEventType = event["type"]
            if kind is ExecutionEventType.STARTED:
                streamed, tokens = "", 0
                print(f"STARTED (attempt {event['attempt']})")
            elif kind is ExecutionEventType.TOKEN:
                check(event["token"] is not None, "a TOKEN event without a token")
                print(f"TOKEN #{event['index']} {event['token']!r}", flush=True)
                streamed += event["token"]
                tokens += 1
            elif kind is ExecutionEventType.COMPLETED:
                row = event["execution"]
                check(row is not None, "COMPLETED without its execution")
                check(row["status"] is ExecutionStatus.SUCCEEDED, f"COMPLETED but {row['status']}")
                check(isinstance(row["finishedAt"], datetime), "finishedAt was not parsed")
                print(
                    f"COMPLETED: {row['status'].name}, {row['tokensIn']} tokens in, {row['tokensOut']} out,"
                    f" finished {row['finishedAt'].isoformat()}"
                )
                output = row["output"]
                ended = True
            elif kind is ExecutionEventType.FAILED:
                raise JourneyError(f"the execution failed: {event['error']}")
            else:
                raise JourneyError(f"the execution ended with {kind.name}")
    # The server completes the subscription after the terminal event.
    check(ended, "the subscription completed before the execution ended")
    return streamed, output, tokens


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: client.py <server URL, e.g. http://127.0.0.1:8080>", file=sys.stderr)
        return 2
    try:
        endpoints = Endpoints.from_base(argv[1])
        asyncio.run(asyncio.wait_for(journey(endpoints, load_schema()), timeout=60))
    except Exception as error:  # any failure: say what it was and exit non-zero
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
