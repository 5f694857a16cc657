"""The bare-framework ceiling: the smallest Litestar app that parses the JSON body and answers 202.

No validation, no Kafka: what the same server and framework cost on their own, measured in the
same run as the gateway so that the ratio between them means something.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Request, Response, post


@post("/sensor/gps", status_code=202)
async def ingest(request: Request[Any, Any, Any]) -> Response[bytes]:
    msgspec.json.decode(await request.body())
    return Response(b'{"status":"success"}', status_code=202, media_type="application/json")


def create_app() -> Litestar:
    return Litestar(route_handlers=[ingest], logging_config=None, openapi_config=None)
