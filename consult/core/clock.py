"""The app's one source of "now", so that time-driven behaviour (opening, closing, reminders) can be tested.

Production never moves the clock. Tests move it with `travel()`, and the queue schedules RQ jobs in real
time by subtracting the same offset, so a real RQ scheduler sees a job as due exactly when the app would.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone

_offset = timedelta(0)


def utcnow() -> datetime:
    return datetime.now(timezone.utc) + _offset


def offset() -> timedelta:
    return _offset


@contextlib.contextmanager
def travel(delta: timedelta):
    """Move the app's clock by `delta` for the duration of the block (tests only)."""
    global _offset
    previous = _offset
    _offset = previous + delta
    try:
        yield
    finally:
        _offset = previous
