"""Loom Gateway: schema-first HTTP ingestion of device readings into Kafka."""

__all__ = ["__version__"]

__version__ = "0.1.0"
