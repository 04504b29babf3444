"""Each Telegram update handled once per process; an attempt that failed does not count."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import update_wrapper
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from bot.interviews.outcome import Outcome

if TYPE_CHECKING:
    from bot.interviews.service import InterviewService

P = ParamSpec("P")
REMEMBERED = 10_000


class RecentUpdates:
    """The update ids handled lately (a bounded memory; storage catches anything older)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int | None) -> bool:
        """True, and remembered, unless this update was seen already."""
        if update_id is None:
            return True
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True

    def forget(self, update_id: int) -> None:
        """Let the update be handled again (its attempt failed)."""
        self._ids.pop(update_id, None)


def once_per_update(
    method: Callable[Concatenate[InterviewService, P], Awaitable[Outcome]],
) -> Callable[Concatenate[InterviewService, P], Awaitable[Outcome]]:
    """Handle each update once; the method's last argument is the update id.

    An attempt that raised (say, the database was down) is forgotten, so the redelivery Telegram
    sends later is handled, not dropped as a duplicate.
    """

    async def once(self: InterviewService, /, *args: P.args, **kwargs: P.kwargs) -> Outcome:
        update_id = kwargs.get("update_id", args[-1] if args else None)
        key = update_id if isinstance(update_id, int) else None
        if not self.recent.first_time(key):
            return Outcome(language="en", duplicate=True)
        try:
            return await method(self, *args, **kwargs)
        except BaseException:
            if key is not None:
                self.recent.forget(key)
            raise

    update_wrapper(once, method)
    return once
