"""Stopping the servers the tests start in their own process group."""

from __future__ import annotations

import os
import signal
import subprocess

__all__ = ["stop_session"]


def stop_session(process: subprocess.Popen[bytes], *, whole_group: bool, within_s: float) -> None:
    """SIGTERM (to the leader, or to its ``whole_group``), then SIGKILL to the group after ``within_s``.

    A gateway's leader stops its own workers, so it alone is asked; a program that does not (or
    whose children should stop with it) is asked as a group. The process must have been started
    with ``start_new_session=True``.
    """
    if process.poll() is not None:
        return
    if whole_group:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=within_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
