"""loom_gateway.settings: LOOM_* variables, validated at start-up into one sentence per problem."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from loom_gateway.errors import ConfigurationError
from loom_gateway.settings import Settings, load_settings

VARIABLES = {f"LOOM_{name.upper()}" for name in Settings.model_fields}


def configuration_error(**overrides: object) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(**overrides)
    return caught.value.detail


def test_defaults() -> None:
    assert load_settings().model_dump() == {
        "host": "127.0.0.1",
        "port": 8000,
        "workers": 1,
        "log_level": "INFO",
        "log_format": "json",
        "access_log": "errors",
        "catalog": "loom_catalog:CATALOG",
        "kafka_bootstrap_servers": "127.0.0.1:9092",
        "kafka_client_config": {},
        "kafka_auto_create_topics": True,
        "kafka_default_partitions": 6,
        "kafka_default_replication_factor": 1,
        "kafka_topic_prefix": "",
        "kafka_topic_overrides": {},
        "kafka_delivery_timeout_ms": 10_000,
        "kafka_linger_ms": 1.0,
        "kafka_queue_max_messages": 100_000,
        "max_in_flight_requests": 1000,
        "device_rate_limit": 0.0,
        "device_rate_burst": 1000,
        "idempotency_window_s": 600.0,
        "idempotency_max_entries": 100_000,
        "state_url": None,
        "state_timeout_ms": 500,
        "state_key_prefix": "loom:",
        "quarantine_enabled": False,
        "value_format": "json",
        "kafka_bootstrap_timeout_s": 10.0,
        "kafka_statistics_interval_ms": 15_000,
        "device_replica_id": None,
        "device_activity_flush_s": 5.0,
        "api_keys": None,
        "api_keys_file": None,
        "auth_disabled": False,
    }


def test_fields_are_read_from_loom_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOM_PORT", "9000")
    monkeypatch.setenv("LOOM_KAFKA_TOPIC_PREFIX", "staging.")
    monkeypatch.setenv("LOOM_KAFKA_AUTO_CREATE_TOPICS", "false")
    monkeypatch.setenv("LOOM_KAFKA_LINGER_MS", "0.5")
    monkeypatch.setenv("PORT", "1234")  # unprefixed: not ours

    settings = load_settings()

    assert (settings.port, settings.kafka_topic_prefix) == (9000, "staging.")
    assert settings.kafka_auto_create_topics is False
    assert settings.kafka_linger_ms == 0.5


def test_keyword_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOM_PORT", "9000")

    assert load_settings(port=9001).port == 9001


def test_dict_settings_are_json_objects_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOM_KAFKA_TOPIC_OVERRIDES", '{"device.sensor.gps.raw": "legacy-gps"}')
    monkeypatch.setenv(
        "LOOM_KAFKA_CLIENT_CONFIG", '{"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN"}'
    )

    settings = load_settings()

    assert settings.kafka_topic_overrides == {"device.sensor.gps.raw": "legacy-gps"}
    assert settings.kafka_client_config == {"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN"}


def test_settings_are_frozen() -> None:
    settings = load_settings()

    with pytest.raises(ValidationError):
        settings.port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("variable", "value", "detail"),
    [
        ("LOOM_PORT", "0", "invalid settings: LOOM_PORT: Input should be greater than or equal to 1"),
        (
            "LOOM_PORT",
            "http",
            "invalid settings: LOOM_PORT: "
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            "LOOM_LOG_LEVEL",
            "TRACE",
            "invalid settings: LOOM_LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'",
        ),
        (
            "LOOM_KAFKA_DELIVERY_TIMEOUT_MS",
            "999",
            "invalid settings: LOOM_KAFKA_DELIVERY_TIMEOUT_MS: Input should be greater than or equal to 1000",
        ),
        (
            "LOOM_KAFKA_TOPIC_OVERRIDES",
            '{"device.sensor.gps.raw": "gps topic!"}',
            "invalid settings: LOOM_KAFKA_TOPIC_OVERRIDES: "
            "Value error, 'gps topic!' is not a valid Kafka topic name",
        ),
        (
            "LOOM_STATE_URL",
            "http://:secret@valkey:6379",
            "invalid settings: LOOM_STATE_URL: Value error, must start with redis:// (or rediss:// for TLS)",
        ),
    ],
)
def test_a_bad_value_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, detail: str
) -> None:
    monkeypatch.setenv(variable, value)

    assert configuration_error() == detail


def test_every_problem_is_reported_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOM_PORT", "0")
    monkeypatch.setenv("LOOM_WORKERS", "65")

    assert configuration_error() == (
        "invalid settings: LOOM_PORT: Input should be greater than or equal to 1; "
        "LOOM_WORKERS: Input should be less than or equal to 64"
    )


@pytest.mark.parametrize(
    ("servers", "bad"),
    [
        ("localhost", "'localhost'"),
        ("a:9092,b", "'b'"),
        ("broker:kafka", "'broker:kafka'"),
        (":9092", "':9092'"),
        ("", "''"),
    ],
)
def test_bootstrap_servers_must_be_host_port_pairs(servers: str, bad: str) -> None:
    assert configuration_error(kafka_bootstrap_servers=servers) == (
        f"invalid settings: LOOM_KAFKA_BOOTSTRAP_SERVERS: Value error, {bad} is not host:port"
    )


@pytest.mark.parametrize("servers", ["a:9092", "a:9092, b:9093", "[::1]:9092", "kafka-0.kafka.svc:29092"])
def test_bootstrap_servers_accepts_host_port_lists(servers: str) -> None:
    assert load_settings(kafka_bootstrap_servers=servers).kafka_bootstrap_servers == servers


def test_a_value_that_is_not_json_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pydantic-settings decodes JSON before validation and raises its own SettingsError.
    monkeypatch.setenv("LOOM_KAFKA_TOPIC_OVERRIDES", "device.sensor.gps.raw=legacy-gps")

    assert "LOOM_KAFKA_TOPIC_OVERRIDES" in configuration_error()


def test_a_bad_entry_of_a_json_setting_names_a_variable_that_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOM_KAFKA_CLIENT_CONFIG", '{"linger.ms": [5]}')

    detail = configuration_error()

    named = re.findall(r"LOOM_[A-Z0-9_.]+", detail)
    assert named
    assert set(named) <= VARIABLES, detail


def test_unknown_loom_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    # extra="forbid" applies to keyword arguments only: pydantic-settings looks up the
    # environment by field name, so a misspelt variable is silently not read.
    monkeypatch.setenv("LOOM_KAFKA_BOOTSTRAP_SERVER", "elsewhere:9092")

    assert load_settings().kafka_bootstrap_servers == "127.0.0.1:9092"


def test_unknown_keyword_settings_are_refused() -> None:
    assert configuration_error(kafka_bootstrap_server="elsewhere:9092") == (
        "invalid settings: LOOM_KAFKA_BOOTSTRAP_SERVER: Extra inputs are not permitted"
    )


@pytest.mark.parametrize(
    ("prefix", "overrides", "expected"),
    [
        ("", {}, "device.sensor.gps.raw"),
        ("staging.", {}, "staging.device.sensor.gps.raw"),
        ("", {"device.sensor.gps.raw": "legacy-gps"}, "legacy-gps"),
        ("staging.", {"device.sensor.gps.raw": "legacy-gps"}, "staging.legacy-gps"),
        ("staging.", {"device.audio.raw": "legacy-audio"}, "staging.device.sensor.gps.raw"),
    ],
)
def test_topic_name_applies_the_override_then_the_prefix(
    prefix: str, overrides: dict[str, str], expected: str
) -> None:
    settings = load_settings(kafka_topic_prefix=prefix, kafka_topic_overrides=overrides)

    assert settings.topic_name("device.sensor.gps.raw") == expected
