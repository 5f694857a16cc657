from __future__ import annotations

import pytest

from loom_gateway.consumer import load_consumer_settings
from loom_gateway.errors import ConfigurationError


def test_settings_come_from_loom_consumer_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOM_CONSUMER_GROUP_ID", "maps")
    monkeypatch.setenv("LOOM_CONSUMER_MAX_RETRIES", "5")
    monkeypatch.setenv("LOOM_CONSUMER_DEAD_LETTER_TOPIC", "maps.dlq")
    settings = load_consumer_settings()
    assert (settings.group_id, settings.max_retries, settings.dead_letter_topic) == ("maps", 5, "maps.dlq")
    assert settings.retry_policy().attempts == 6


def test_bad_settings_fail_with_a_sentence_naming_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="LOOM_CONSUMER_GROUP_ID: Field required"):
        load_consumer_settings()
    with pytest.raises(ConfigurationError, match="LOOM_CONSUMER_DEAD_LETTER_TOPIC"):
        load_consumer_settings(group_id="g", dead_letter_topic="no spaces please")
