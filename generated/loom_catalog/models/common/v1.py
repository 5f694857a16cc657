# Generated from schemas/ by `python -m codegen generate`; do not edit.

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, RootModel


class CommonDefinitions(RootModel[Any]):
    root: Annotated[
        Any,
        Field(
            description="Definitions shared by every data type. Not a data type itself: it has no x-loom annotation.",
            title="Common definitions",
        ),
    ]


class ServicesEncounteredItem(RootModel[str]):
    root: Annotated[str, Field(max_length=128)]
