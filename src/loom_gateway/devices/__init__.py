"""The device registry, and ingestion's device gate.

Endpoints (``routes``): ``POST /devices`` registers (upsert, 201 with the device),
``GET /devices`` lists, ``GET /devices/activity`` sums what every replica ingested per device,
``GET|PATCH|DELETE /devices/{device_id}``, ``POST /devices/{device_id}/restore``.

Storage (``registry``): two compacted Kafka topics from the catalog (kinds ``device-registry``
and ``device-activity``), materialised in memory by every replica: read from the beginning
at start-up (the gateway is not ready until then), followed afterwards.

Rules (``_document``):

- The gateway owns ``first_seen_at``, ``last_seen_at``, ``created_at``, ``updated_at``,
  ``is_active`` and ``deleted_at``: a registration's values for them are replaced, a patch
  naming them is refused. Every stored device has every field (null, [] or {} when never
  sent), so clients always see one shape.
- Re-registering a known device takes the posted fields and keeps the others (a client that
  re-registers at start-up does not wipe what was patched in since); first_seen_at and
  created_at stay.
- Deletion is soft and sticky: a deleted device is hidden, its readings are refused (403,
  ``device-deleted``), and so is its re-registration, because the mobile client re-registers
  at every start and would otherwise undo the deletion unnoticed. ``POST
  /devices/{device_id}/restore`` reactivates it.
- Devices that never registered may still send readings (the mobile client carries on when
  registration fails); only deleted ones are refused. Activity lists every device id seen.
- Concurrent writes to one device on different replicas: the later record wins whole.
"""

from loom_gateway.devices.registry import DeviceRegistry
from loom_gateway.devices.routes import device_handlers

__all__ = ["DeviceRegistry", "device_handlers"]
