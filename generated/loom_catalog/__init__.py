# Generated from schemas/ by `python -m codegen generate`; do not edit.
"""Code generated from the schema tree: models, topic catalog and route table.

Regenerate with ``python -m codegen generate``; see generated/README.md.
"""

from loom_gateway.catalog import Catalog

from .catalog import DATA_TYPES
from .routes import DISPATCHES, ROUTES, STREAMS

__all__ = ["CATALOG", "DATA_TYPES", "DISPATCHES", "ROUTES", "STREAMS"]

CATALOG = Catalog(
    data_types=DATA_TYPES,
    routes=ROUTES,
    streams=STREAMS,
    dispatches=DISPATCHES,
    schema_package=__name__,
)
