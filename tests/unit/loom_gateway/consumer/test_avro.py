from __future__ import annotations

import json
from dataclasses import replace

import pytest

from loom_catalog import CATALOG
from loom_catalog.models.device.sensor.gps.v1 import GPSReading
from loom_gateway.consumer import AVRO_MEDIA_TYPE, AvroDecoder, Decoders, Subscription, UndecodableRecord
from loom_gateway.ingest.avro import avro_values
from tests.unit.loom_gateway.consumer.conftest import gps_body, record

AVRO = AVRO_MEDIA_TYPE.encode()


def wire(body: dict[str, object], qualified_name: str = "device.sensor.gps.v1") -> bytes:
    data_type = next(d for d in CATALOG.data_types if d.qualified_name == qualified_name)
    return avro_values(CATALOG, data_type).encode(json.dumps(body).encode())


def test_avro_values_decode_to_the_same_model_as_json(gps_subscription: Subscription) -> None:
    [gps] = gps_subscription.data_types
    body = gps_body(services_encountered=["mobile-client"], altitude=2.5)
    decoders = Decoders.for_catalog(CATALOG)

    from_avro = decoders.decode(record(wire(body), content_type=AVRO), gps)
    from_json = decoders.decode(record(body), gps)

    assert isinstance(from_avro, GPSReading)
    assert from_avro.model_dump(exclude_unset=True) == from_json.model_dump(exclude_unset=True) | {
        # Avro has no "absent": a nullable field left out comes back as null.
        name: None
        for name in ("timestamp", "trace_id", "content_hash", "accuracy", "heading", "speed")
    }


def test_the_schema_id_must_be_the_catalog_s_and_the_record_s_data_type(
    gps_subscription: Subscription,
) -> None:
    [gps] = gps_subscription.data_types
    decoder = AvroDecoder(CATALOG)
    value = wire(gps_body())
    with pytest.raises(ValueError, match="which the catalog does not have"):
        decoder.decode(value[:1] + (12345).to_bytes(4, "big") + value[5:], gps)
    heart = next(d for d in CATALOG.data_types if d.qualified_name == "device.health.heartrate.v1")
    with pytest.raises(
        ValueError, match=r"written as device\.sensor\.gps\.v1 .* which device\.health\S+ cannot"
    ):
        decoder.decode(value, heart)


def test_another_version_reads_the_value_when_the_catalog_says_it_can(gps_subscription: Subscription) -> None:
    [gps] = gps_subscription.data_types
    decoder = AvroDecoder(CATALOG)
    value = wire(gps_body())
    reader = replace(gps, version=2, reads=(1,))  # what codegen generates for a v2 that reads v1
    assert isinstance(decoder.decode(value, reader), GPSReading)
    with pytest.raises(ValueError, match=r"which device\.sensor\.gps\.v2 cannot read"):
        decoder.decode(value, replace(gps, version=2))


def test_broken_avro_is_undecodable_not_a_crash(gps_subscription: Subscription) -> None:
    [gps] = gps_subscription.data_types
    decoders = Decoders.for_catalog(CATALOG)
    value = wire(gps_body())
    for broken in (value[:9], b"\x01" + value[1:], b"{}"):
        with pytest.raises(UndecodableRecord, match=r"not a valid device\.sensor\.gps\.v1"):
            decoders.decode(record(broken, content_type=AVRO), gps)
