"""The broadcast benchmark's quick mode: 300 recipients, 3 SIGKILLs, the real command each time."""

from __future__ import annotations

from bench import broadcast
from storage import RecipientStatus


def test_three_kills_send_nobody_anything_twice_and_nobody_who_said_no(capsys: object) -> None:
    figures = broadcast.main(["--quick"])

    assert figures.duplicates == 0
    assert figures.to_forbidden == 0
    assert figures.refused == 0  # paced within the enforced limits
    tally = figures.tally
    assert tally.get(RecipientStatus.PENDING, 0) == 0
    assert figures.missing == 0  # everyone reachable got it, or is one of the few in doubt
    in_doubt = tally.get(RecipientStatus.IN_DOUBT, 0) + tally.get(RecipientStatus.CLAIMED, 0)
    assert in_doubt <= 3 * 12  # a dead run leaves only its last few claims unsettled
    settled = sum(tally.get(s, 0) for s in (RecipientStatus.SENT, RecipientStatus.BLOCKED))
    assert settled + in_doubt == figures.recipients
