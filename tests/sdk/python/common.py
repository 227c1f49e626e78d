"""What both Python scenarios share: the generated client on the path, and
the checks that fail a scenario with one line saying what was wrong."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import NoReturn, TypeVar

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "target" / "sdk" / "python"))

from waymark_api_client import AuthenticatedClient  # noqa: E402
from waymark_api_client.api.changes import change_list  # noqa: E402
from waymark_api_client.models import ChangePage, Problem  # noqa: E402
from waymark_api_client.types import Response  # noqa: E402

T = TypeVar("T")


class ScenarioFailed(Exception):
    pass


def fail(message: str) -> NoReturn:
    raise ScenarioFailed(message)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def step(name: str, line: str) -> None:
    print(f"python  {name:<22} {line}", flush=True)


def expect(response: Response[object], status: int, kind: type[T], what: str) -> T:
    """The parsed body of a response with the expected status and model."""
    if response.status_code != status:
        fail(f"{what}: HTTP {int(response.status_code)}, expected {status}: {response.content[:400]!r}")
    if not isinstance(response.parsed, kind):
        fail(f"{what}: parsed as {type(response.parsed).__name__}, expected {kind.__name__}")
    return response.parsed


def problem_of(response: Response[object], what: str) -> Problem:
    """The problem document of an error response, as the generated client parsed
    it: the spec lists every error status an operation can give, so any other
    status (parsed as None) is a gap in the spec and fails the scenario."""
    check(isinstance(response.parsed, Problem),
          f"{what}: HTTP {int(response.status_code)} not parsed as a Problem: is it in the spec?")
    assert isinstance(response.parsed, Problem)
    return response.parsed


def token_claims(token: str) -> dict[str, object]:
    """The token's claims, unverified, to say which organisation it names; {} if opaque."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def quoted(version: int) -> str:
    return f'"{version}"'


def feed_head(client: AuthenticatedClient) -> int:
    """The seq of the last event now in the change feed."""
    after = 0
    while True:
        page = expect(change_list.sync_detailed(client=client, after=after, limit=1000),
                      200, ChangePage, "change_list")
        if not page.items:
            return after
        after = page.last_seq


def main(run: object, usage: str) -> int:
    """Runs `run(base_url, token)`, printing whether the scenario passed."""
    if len(sys.argv) != 3:
        print(f"usage: {usage} BASE_URL TOKEN", file=sys.stderr)
        return 2
    try:
        run(sys.argv[1].rstrip("/"), sys.argv[2])  # type: ignore[operator]
    except ScenarioFailed as error:
        print(f"python  FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    print(f"python  {usage.removesuffix('.py')} passed", flush=True)
    return 0
