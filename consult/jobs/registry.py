"""The job kinds, each registered by the domain that does the work, in that domain's own ``tasks.py``.

A domain registers a kind with ``@task("kind")`` on the function its jobs call (with the job record's args as
keywords, and `progress`). The app factory imports every domain's tasks module, so the registry is full
before anything is submitted or run; `jobs` itself imports no domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Kind:
    #: The function the job calls, with the record's args as keywords and `progress`.
    run: Callable[..., dict[str, Any] | None]
    #: Where the job's status page leads back to, from the record's args: (url, link text), or None.
    back: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None


#: Job kind -> what it runs; filled by each domain's tasks.py through `task`.
KINDS: dict[str, Kind] = {}


def task(kind: str, *, back: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None):
    """Register the decorated function as what jobs of `kind` run."""

    def register(function):
        registered = KINDS.get(kind)
        if registered is not None and registered.run is not function:
            raise ValueError(f"job kind {kind!r} is registered twice")
        KINDS[kind] = Kind(function, back)
        return function

    return register


def back_link(record) -> tuple[str, str] | None:
    kind = KINDS.get(record.kind)
    return kind.back(record.args or {}) if kind is not None and kind.back is not None else None


