"""Sending e-mail in the background, with back-off after a failure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from consult.jobs import queue
from consult.jobs.registry import task
from consult.mail.services import deliver


@task("mail.send")
def send(message_id: int, progress) -> dict[str, Any]:
    result = deliver(message_id)
    if "retry_at" in result:  # back off, then try again as a new scheduled job
        queue.submit_mail(message_id, run_at=datetime.fromisoformat(result["retry_at"]))
    return result
