"""Who may post Teams activities: the Agents SDK's JWT validation, or (local tests) nobody.

With an app id every activity must carry a Bot Framework / Entra token for that app: the SDK's
`JwtTokenValidator` checks the signature against the published keys, the expiry, the audience
(our app id), the issuer (opt-in `VALIDATE_ISSUER`, on here) and the tenant binding. Without an
app id only the anonymous local-test mode accepts anything (the Agents Playground posts no
token); otherwise Teams is off and the route does not exist.
"""

from __future__ import annotations

import logging
from typing import Any

from jwt import PyJWK, PyJWTError
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, ClaimsIdentity
from microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator import (
    JwtTokenValidator,
    _JwkClientManager,
)

log = logging.getLogger("charterbot.teams")


class _PinnedKeys(_JwkClientManager):
    """Reads signing keys from one fixed JWKS address (tests serve their own on 127.0.0.1)."""

    def __init__(self, jwks_url: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._url = jwks_url

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> PyJWK:
        return await super().get_signing_key(self._url, header)


class TeamsAuth:
    """Decides whether one request to /api/messages comes from the Bot Framework.

    `jwks_url` is the test hook: production never passes it (the SDK picks Microsoft's key
    set from the token's issuer); tests point it at their own key set. It is deliberately no
    environment variable, so an operator cannot turn the check into "trust this server".
    """

    def __init__(
        self,
        *,
        app_id: str,
        tenant_id: str = "",
        anonymous: bool = False,
        jwks_url: str | None = None,
    ) -> None:
        self.app_id = app_id
        # With credentials a token is always required, whatever TEAMS_ALLOW_ANONYMOUS says.
        self.anonymous = anonymous and not app_id
        self._config = (
            AgentAuthConfiguration(
                client_id=app_id,
                tenant_id=tenant_id or None,
                anonymous_allowed=False,
                validate_issuer=True,
            )
            if app_id
            else None
        )
        self._jwks_url = jwks_url

    def _validator(self) -> JwtTokenValidator:
        assert self._config is not None
        validator = JwtTokenValidator(self._config)
        if self._jwks_url:
            validator._jwk_client_manager = _PinnedKeys(self._jwks_url)
        return validator

    async def identify(self, authorization: str | None) -> ClaimsIdentity | None:
        """The caller's verified claims (empty claims in anonymous mode); None: refuse (401)."""
        if self._config is None:
            return ClaimsIdentity() if self.anonymous else None
        token = bearer_token(authorization)
        if token is None:
            return None
        try:
            claims: ClaimsIdentity = await self._validator().validate_token(token)
        except (PyJWTError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Only the kind of failure: never the token, its claims or the request.
            log.warning("refused a Teams activity: token rejected (%s)", type(exc).__name__)
            return None
        return claims


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, None for anything else."""
    if not header:
        return None
    parts = header.split(maxsplit=1)
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    token = parts[1].strip()
    return token if token and not any(c.isspace() for c in token) else None
