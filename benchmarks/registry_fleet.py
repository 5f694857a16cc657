"""What read-your-writes costs the device registry across a fleet.

Two ``loom-gateway serve`` replicas of two workers each on an embedded broker, HAProxy in front
(round robin, a new server connection per request, one client connection): each registration
(POST /devices) is followed by its read-back (GET /devices/{id}), which round robin sends to the
other replica; then every device is read twice more, long after it was written. Latencies are
measured at the client and printed with how many read-backs found their device.

``--baseline-src DIR`` runs the same against another source tree's ``loom_gateway`` (for example
the commit before read-your-writes: ``git archive <rev> src | tar -x -C DIR`` and pass ``DIR/src``).

    python -m benchmarks.registry_fleet [--devices 60] [--baseline-src DIR]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from pathlib import Path

import httpx

from loom_gateway.embedded_broker import EmbeddedBroker, free_port
from tests.support.haproxy import running_haproxy
from tests.support.mobile_bodies import device_registration
from tests.support.serve_server import running_serve


def _figures(durations: list[float]) -> str:
    ordered = sorted(durations)
    p90 = ordered[max(int(len(ordered) * 0.9) - 1, 0)]
    return f"median {statistics.median(ordered) * 1000:5.1f} ms, p90 {p90 * 1000:5.1f} ms"


def measure(devices: int, source: Path | None) -> str:
    environment = {"PYTHONPATH": str(source)} if source is not None else {}
    broker = EmbeddedBroker(free_port())
    broker.start()
    try:
        prefix = f"bench-{uuid.uuid4().hex[:8]}."
        with (
            running_serve(
                broker.bootstrap_servers, kafka_topic_prefix=prefix, environment=environment
            ) as first,
            running_serve(
                broker.bootstrap_servers, kafka_topic_prefix=prefix, environment=environment
            ) as second,
            running_haproxy([first.base_url, second.base_url]) as balancer,
            httpx.Client(base_url=balancer.base_url, headers=first.headers, timeout=30) as client,
        ):
            writes: list[float] = []
            read_backs: list[float] = []
            settled: list[float] = []
            found = 0
            ids = []
            for _ in range(devices):
                posted = device_registration(device_id=str(uuid.uuid4()))
                started = time.perf_counter()
                assert client.post("/devices", json=posted).status_code == 201
                writes.append(time.perf_counter() - started)
                started = time.perf_counter()
                found += client.get(f"/devices/{posted['device_id']}").status_code == 200
                read_backs.append(time.perf_counter() - started)
                ids.append(posted["device_id"])
            time.sleep(1)
            for device_id in ids * 2:
                started = time.perf_counter()
                assert client.get(f"/devices/{device_id}").status_code == 200
                settled.append(time.perf_counter() - started)
    finally:
        broker.stop()
    return (
        f"POST /devices {_figures(writes)} | read-back on the other replica {_figures(read_backs)} "
        f"({found}/{devices} found) | GET of a device written earlier {_figures(settled)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--baseline-src", type=Path, help="another source tree's src/ to compare with")
    arguments = parser.parse_args()
    if arguments.baseline_src is not None:
        print(f"baseline ({arguments.baseline_src}): {measure(arguments.devices, arguments.baseline_src)}")
    print(f"this tree: {measure(arguments.devices, None)}")


if __name__ == "__main__":
    main()
