"""The `webhook` transport of the delivery engine: answers to web VOCs, posted back to the
company's website (`VOC_CALLBACK_URL`), signed like the intake (bot/domain/voc.py).

Every attempt of one outbox row carries the same `X-Charterbot-Delivery` id (the row's
idempotency key), so the receiver can drop a repeat: a timeout or a 5xx may hide a request
it did act on. 2xx: delivered; 408, 425, 429 and 5xx, a broken connection: retried (429's
`Retry-After` honoured); any other 4xx: failed for good (retrying cannot fix it).
"""

from __future__ import annotations

import json
import logging
import time

import aiohttp

from bot.domain.voc import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from bot.ports import Delivered, DeliveryFailed, Outgoing

log = logging.getLogger("charterbot.outbox")
RETRYABLE = frozenset({408, 425, 429})


class WebhookTransport:
    """Posts outbox rows of platform "webhook" as signed JSON to one URL."""

    def __init__(self, url: str, secret: str, *, timeout: float = 10.0) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout

    @property
    def request_timeout(self) -> float:
        """Seconds one request may take."""
        return self._timeout

    def tune(self, *, timeout: float | None, lookback: float, history_pages: int) -> None:
        """Take the engine's request timeout (there is nothing to look up)."""
        if timeout is not None:
            self._timeout = timeout

    async def deliver(self, item: Outgoing) -> Delivered:
        """POST the row's payload; raise DeliveryFailed unless the receiver answered 2xx."""
        body = json.dumps(item.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
            DELIVERY_HEADER: item.key,
        }
        try:
            timeout = aiohttp.ClientTimeout(total=self._timeout)
            async with (
                aiohttp.ClientSession(timeout=timeout) as http,
                http.post(self._url, data=body, headers=headers, allow_redirects=False) as resp,
            ):
                status = resp.status
                retry_after = resp.headers.get("Retry-After")
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise DeliveryFailed(f"network: {type(exc).__name__}", unanswered=True) from None
        if 200 <= status < 300:
            return Delivered(None)
        if status == 429:
            try:
                wait = max(1.0, float(retry_after or 1))
            except ValueError:
                wait = 1.0
            raise DeliveryFailed(f"HTTP 429 (Retry-After {wait:g}s)", retry_after=wait)
        if status in RETRYABLE or status >= 500:
            raise DeliveryFailed(f"HTTP {status}")
        raise DeliveryFailed(f"HTTP {status}", permanent=True)
