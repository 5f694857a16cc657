"""The HTTP surface: generated ingestion routes, health, metrics, problem responses."""
