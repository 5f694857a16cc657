"""The /devices endpoints. Bodies are validated by the registry (strictly, with the generated
model); errors are raised as LoomErrors and become problem documents in ``http.problems``.

A key bound to devices reads and writes only those: another device is "not found" (404) to it
on reads, so that it cannot learn which ids exist, and "not allowed" (403) on writes, whatever
exists. Bodies are read as the ingestion routes read theirs (``http.bodies``: a deadline, 499
for a client that leaves)."""

from __future__ import annotations

import asyncio
from typing import Any

import pydantic_core
from litestar import Request, Response, delete, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from loom_gateway.devices._table import MAX_LIMIT, DeviceQuery
from loom_gateway.devices.registry import DeviceRegistry
from loom_gateway.errors import DeviceNotFound
from loom_gateway.http.auth import principal_of
from loom_gateway.http.bodies import BodyReader
from loom_gateway.http.media import json_response, require_json

__all__ = ["device_handlers"]

_TAGS = ["devices"]
_PATH = "/devices/{device_id:str}"


def device_handlers(registry: DeviceRegistry, bodies: BodyReader) -> list[HTTPRouteHandler]:
    """Handlers for every /devices endpoint, answering from ``registry``."""

    async def body_of(request: Request[Any, Any, Any]) -> bytes:
        return await bodies.read(request.receive, request.headers.get("content-length"), max_body_bytes)

    max_body_bytes = registry.max_body_bytes

    @post(
        "/devices",
        tags=_TAGS,
        summary="Register a device",
        description="Upsert: a known device takes the posted fields (others keep their values) and keeps "
        "first_seen_at and created_at. The timestamps and is_active are set by the gateway. A deleted "
        "device is refused (403) until it is restored.",
        request_max_body_size=max_body_bytes,
        status_code=201,
    )
    async def register_device(request: Request[Any, Any, Any]) -> Response[bytes]:
        require_json(request, "device")
        registry.require_loaded()
        body = await body_of(request)
        _may_write(request, _device_id_in(body))
        return json_response(await registry.register(body), 201)

    @get(
        "/devices",
        tags=_TAGS,
        summary="List devices",
        description="A JSON array in registration order. Query: device_type, service_name, "
        f"is_active (true by default; false lists the deleted ones), limit (1-{MAX_LIMIT}, default 100), "
        "offset. A key bound to devices lists only those.",
    )
    async def list_devices(request: Request[Any, Any, Any]) -> Response[bytes]:
        registry.require_loaded()
        await registry.up_to_date()
        query = DeviceQuery.parse(dict(request.query_params))
        # Filtering and sorting every registered device: in a worker thread, not on the event
        # loop that ingestion waits for.
        return json_response(await asyncio.to_thread(registry.find, query, _readable(request)))

    @get(
        "/devices/activity",
        tags=_TAGS,
        summary="Device activity",
        description="Per device that sent readings, in device id order: when the gateway last accepted "
        "one, and how many of each data type, summed over every gateway replica (counts reach other "
        "replicas within LOOM_DEVICE_ACTIVITY_FLUSH_S; an answer may be a second old). Query: limit "
        f"(1-{MAX_LIMIT}, default 100), offset. A key bound to devices sees only those. Each process "
        "keeps the activity of at most LOOM_DEVICE_ACTIVITY_MAX_DEVICES devices (the idlest are "
        "forgotten first).",
    )
    async def device_activity(request: Request[Any, Any, Any]) -> Response[bytes]:
        registry.require_loaded()
        page = DeviceQuery.parse(
            {name: request.query_params[name] for name in _PAGING if name in request.query_params}
        )
        return json_response(await registry.activity(page.limit, page.offset, _readable(request)))

    @get(_PATH, tags=_TAGS, summary="Get a device")
    async def get_device(device_id: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
        registry.require_loaded()
        _may_read(request, device_id)
        await registry.up_to_date()
        return json_response(registry.get(device_id))

    @patch(
        _PATH,
        tags=_TAGS,
        summary="Change a device",
        description="A JSON merge patch (RFC 7396) of the device's own fields; the gateway's fields "
        "(timestamps, is_active, deleted_at) and device_id cannot be changed.",
        request_max_body_size=max_body_bytes,
    )
    async def patch_device(device_id: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
        require_json(request, "device")
        registry.require_loaded()
        _may_write(request, device_id)
        return json_response(await registry.patch(device_id, await body_of(request)))

    @delete(
        _PATH,
        tags=_TAGS,
        summary="Delete a device",
        description="Soft delete: the device is hidden and its readings are refused (403) from then on. "
        "Answers with the deleted device.",
        status_code=200,
    )
    async def delete_device(device_id: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
        registry.require_loaded()
        _may_write(request, device_id)
        return json_response(await registry.delete(device_id))

    @post(
        f"{_PATH}/restore",
        tags=_TAGS,
        summary="Restore a deleted device",
        description="Reactivates a deleted device: it is listed again and its readings are accepted.",
        status_code=200,
    )
    async def restore_device(device_id: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
        registry.require_loaded()
        _may_write(request, device_id)
        return json_response(await registry.restore(device_id))

    return [
        register_device,
        list_devices,
        device_activity,
        get_device,
        patch_device,
        delete_device,
        restore_device,
    ]


_PAGING = ("limit", "offset")


def _may_write(request: Request[Any, Any, Any], device_id: str | None) -> None:
    """A key bound to devices may change only those (403 for others)."""
    principal = principal_of(request)
    if principal is not None and device_id is not None:
        principal.check_device(device_id)


def _readable(request: Request[Any, Any, Any]) -> frozenset[str] | None:
    """The devices the caller may read; None: any."""
    principal = principal_of(request)
    return None if principal is None else principal.devices


def _may_read(request: Request[Any, Any, Any], device_id: str) -> None:
    """Another device is not found (404), as an unknown one is: a bound key learns no ids."""
    readable = _readable(request)
    if readable is not None and device_id not in readable:
        raise DeviceNotFound(device_id)


def _device_id_in(body: bytes) -> str | None:
    try:
        document = pydantic_core.from_json(body)
    except ValueError:
        return None  # the registry refuses it with the precise problem
    device_id = document.get("device_id") if isinstance(document, dict) else None
    return device_id if isinstance(device_id, str) else None
