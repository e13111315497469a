"""Bearer-token protection for the HTTP transport: the token and an ASGI guard.

The token comes from SPECLOOM_MCP_TOKEN or is generated; every HTTP request must carry
`Authorization: Bearer <token>`, or it is answered 401 before it reaches the MCP app.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

TOKEN_ENV = "SPECLOOM_MCP_TOKEN"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def server_token() -> tuple[str, bool]:
    """The token to require, and whether it was generated (so it must be shown)."""
    given = os.environ.get(TOKEN_ENV, "").strip()
    if given:
        return given, False
    return secrets.token_urlsafe(32), True


class BearerGuard:
    """ASGI middleware: HTTP requests without the right bearer token get 401."""

    def __init__(self, app: App, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._authorized(scope):
            await _refuse(send)
            return
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        for key, value in scope.get("headers", ()):
            if key.lower() == b"authorization":
                return hmac.compare_digest(bytes(value), self.expected)
        return False


async def _refuse(send: Send) -> None:
    body = json.dumps({"error": "unauthorized",
                       "message": "missing or wrong bearer token; send 'Authorization: Bearer "
                                  f"<token>' (the token printed at start, or ${TOKEN_ENV})"})
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", b"application/json"),
                            (b"www-authenticate", b'Bearer realm="specloom"')]})
    await send({"type": "http.response.body", "body": body.encode()})
