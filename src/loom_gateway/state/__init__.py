"""State that must agree across every worker of every replica (retries, device rate limits), kept in a
Redis-protocol store when LOOM_STATE_URL names one: ``store`` talks to it, ``fleet`` decides with it (and
says what happens when it does not answer), ``notice`` is what ``serve`` says without it.

Nothing is imported here: ``loom-gateway serve`` imports ``notice`` before prometheus_client may be
imported (its multiprocess directory is set later), and ``fleet`` imports the metrics.
"""
