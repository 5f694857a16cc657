"""Optional fields a device left out read as None in consumers.

The generated models hold pydantic's ``MISSING`` for them, which the gateway needs: what it
publishes leaves them out, as sent. In a handler, ``MISSING`` is a trap (``bool(MISSING)`` is
True, so ``if reading.value.pulse_bpm:`` is silently wrong), so decoded readings have it replaced
by None, nested models and lists of them included. ``model_fields_set`` is left as validation set
it: ``"pulse_bpm" in reading.value.model_fields_set`` is False for an absent field and True for an
explicit null, and ``model_dump(exclude_unset=True)`` gives the value as published.
"""

from __future__ import annotations

from typing import Any

from pydantic import MISSING, BaseModel

__all__ = ["absent_as_none"]


def absent_as_none(model: BaseModel) -> BaseModel:
    """``model``, changed in place: every ``MISSING`` field value is None."""
    fields = model.__dict__
    for name, value in fields.items():
        if value is MISSING:
            fields[name] = None
        else:
            _nested(value)
    return model


def _nested(value: Any) -> None:
    if isinstance(value, BaseModel):
        absent_as_none(value)
    elif isinstance(value, list):
        for item in value:
            _nested(item)
    elif isinstance(value, dict):
        for item in value.values():
            _nested(item)
