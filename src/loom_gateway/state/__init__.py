"""State that must agree across every worker of every replica (retries, device rate limits), kept in a
Redis-protocol store when LOOM_STATE_URL names one; see ``fleet`` for the policy when it does not answer."""

from loom_gateway.state.fleet import Admission, FleetAdmission
from loom_gateway.state.store import StateStore

__all__ = ["Admission", "FleetAdmission", "StateStore"]
