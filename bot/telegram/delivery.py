"""Processing one update and learning how it ended, so polling and the webhook confirm it only then."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from telegram.ext import Application

from storage import is_unavailable

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# The errors one update's handlers raised. PTB hands handler exceptions to the error handlers
# instead of raising them; blocking error handlers run in the processing task, so a context
# variable set around `process_update` sees exactly this update's errors.
_FAILURES: ContextVar[list[BaseException] | None] = ContextVar("update_failures", default=None)


class Result(enum.Enum):
    """How processing one update ended."""

    DONE = "done"  # handled; confirm it
    FAILED = "failed"  # a bug, logged by the error handler; confirm it anyway (no poison loops)
    OUTAGE = "outage"  # storage unreachable; do not confirm, let it come again


def is_outage(error: BaseException) -> bool:
    """Whether an error means storage is unavailable (rather than a bug): worth delivering again."""
    return is_unavailable(error)


async def note_failure(update: object, context: Any) -> None:
    """Error handler: remember the error for the update being processed in this task."""
    failures = _FAILURES.get()
    if failures is not None and context.error is not None:
        failures.append(context.error)


async def handle(application: AnyApplication, update: object) -> Result:
    """Run the update through every handler in this task and say how it ended."""
    failures: list[BaseException] = []
    token = _FAILURES.set(failures)
    try:
        await application.process_update(update)
    finally:
        _FAILURES.reset(token)
    if not failures:
        return Result.DONE
    return Result.OUTAGE if any(is_outage(e) for e in failures) else Result.FAILED


async def in_order(application: AnyApplication, update: object,
                   work: Callable[[], Awaitable[Result]] | None = None) -> Result:
    """Process through the application's update processor (per-chat order, concurrency cap)."""
    results: list[Result] = []

    async def run() -> None:
        results.append(await (work() if work is not None else handle(application, update)))

    await application.update_processor.process_update(update, run())
    return results[0]
