"""`perceptions broadcast` to 10,000 opted-in respondents, killed three times mid-way.

The fake Bot API runs here and enforces Telegram's limits (30 messages a second per bot, one a
second per chat: 429 with retry_after beyond). The broadcast runs as the real command in a child
process; when a quarter, half and three quarters of the messages have gone out it is SIGKILLed and
started again at once. Printed: how long sending took against the least the limits allow, the
same with the restarts, duplicates, messages to people who opted out or were erased, 429s, and
the command's own summary.

Also planted: people who said no, who never answered, who were erased, who blocked the bot and
who deleted their account.

Run: `.venv/bin/python -m bench.broadcast [--quick] [--recipients N] [--rate R] [--kills K]`
(--quick: 300 recipients at 100 a second, the mode the tests run.)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.audience import PastRespondent, plant
from bot.testing.fake_bot_api import FakeBotApi
from bot.vocabulary import Group
from storage import RecipientStatus, create_repository, pseudonymise, upgrade

ROOT = Path(__file__).resolve().parents[1]
STUDY = "cycling_to_work"
KEY = "bench-broadcast-pseudonym-key-of-decent-length"
TOKEN = "123:ABC"
NAME = "you-said-we-did"
MESSAGE = """\
name: you-said-we-did
text:
  en: "Thank you for taking part. {doers_share} of the {respondents} people we asked cycle to work; here is what the city will do next."
  fr: "Merci d'avoir participé. {doers_share} des {respondents} personnes interrogées vont au travail à vélo ; voici ce que la ville va faire."
"""
LIMIT = 1.1  # the acceptance bound on time over the least the limits allow


@dataclass(frozen=True)
class Audience:
    """Who was planted: user ids by what they should receive."""

    opted_in: list[int]  # should get it exactly once (or be recorded as blocked)
    blocked: list[int]
    deactivated: list[int]
    forbidden: list[int]  # said no, never answered, or erased: must get nothing


def people(recipients: int) -> tuple[list[PastRespondent], Audience]:
    """The planted population for `recipients` opted-in people (blocked ones included)."""
    planted: list[PastRespondent] = []
    opted_in = list(range(1_000_001, 1_000_001 + recipients))
    for n, user_id in enumerate(opted_in):
        planted.append(PastRespondent(user_id, "fr" if n % 3 == 0 else "en",
                                      Group.doer if n % 2 else Group.non_doer))
    said_no = list(range(2_000_001, 2_000_001 + max(5, recipients // 20)))
    planted += [PastRespondent(u, results=False, follow_up=n % 2 == 0)
                for n, u in enumerate(said_no)]
    never = list(range(3_000_001, 3_000_001 + max(3, recipients // 50)))
    planted += [PastRespondent(u, chose=False) for u in never]
    erased = list(range(4_000_001, 4_000_001 + max(2, recipients // 100)))
    planted += [PastRespondent(u) for u in erased]
    blocked = opted_in[7::max(2, recipients // 25)]
    deactivated = opted_in[11::max(3, recipients // 10)]
    deactivated = [u for u in deactivated if u not in set(blocked)]
    return planted, Audience(opted_in, blocked, deactivated, said_no + never + erased)


@dataclass
class Figures:
    """What the run measured."""

    recipients: int
    rate: float
    sends: int  # sendMessage calls let through by the flood limits (delivered or 403)
    span: float  # first send to last send
    sending: float  # the same, less the time between a kill and the next run's first send
    wall: float
    restarts: int
    refused: int
    duplicates: int
    to_forbidden: int
    tally: dict[RecipientStatus, int]
    missing: int  # opted-in, reachable, and neither sent nor in doubt

    @property
    def least(self) -> float:
        """The least time the limits allow for the sends: `rate` at once, then `rate` a second."""
        return max(self.sends - self.rate, 0) / self.rate

    @property
    def sending_ratio(self) -> float:
        return self.sending / self.least if self.least else 0.0

    @property
    def wall_ratio(self) -> float:
        return self.wall / self.least if self.least else 0.0

    def show(self) -> None:
        t = self.tally
        print(f"recipients opted in:        {self.recipients:,}")
        print(f"limits enforced:            {self.rate:g} msg/s per bot, 1 msg/s per chat")
        print(f"sends let through:          {self.sends:,}  (429 refusals: {self.refused})")
        print(f"least time the limits allow: {self.least:.1f} s")
        print(f"sending (restarts left out): {self.sending:.1f} s  "
              f"= {self.sending_ratio:.3f} x the least")
        print(f"first to last send:         {self.span:.1f} s")
        print(f"wall time, {self.restarts} SIGKILLs + restarts: {self.wall:.1f} s  "
              f"= {self.wall_ratio:.3f} x the least")
        print(f"duplicates:                 {self.duplicates}")
        print(f"to opted-out/erased/unasked: {self.to_forbidden}")
        print(f"stored: sent {t.get(RecipientStatus.SENT, 0):,}, blocked "
              f"{t.get(RecipientStatus.BLOCKED, 0)}, failed {t.get(RecipientStatus.FAILED, 0)}, "
              f"in doubt {t.get(RecipientStatus.IN_DOUBT, 0) + t.get(RecipientStatus.CLAIMED, 0)},"
              f" skipped {t.get(RecipientStatus.SKIPPED, 0)}, pending "
              f"{t.get(RecipientStatus.PENDING, 0)}; never reached {self.missing}")
        verdict = "within" if self.wall_ratio <= LIMIT else "OVER"
        print(f"{verdict} {LIMIT}x the least time (wall, restarts included)")


async def _start(env: dict[str, str], message: Path, rate: float,
                 log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "broadcast", STUDY, str(message), "--rate", str(rate),
            cwd=ROOT, env=env, stdout=out, stderr=out,
        )


async def run(recipients: int, rate: float, kills: int) -> Figures:
    """Plant, broadcast with `kills` SIGKILLs, and measure."""
    planted, audience = people(recipients)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = f"sqlite+aiosqlite:///{work / 'broadcast.db'}"
        await upgrade(url)
        script_text = (ROOT / "dialogs" / "cycling-to-work.yaml").read_text(encoding="utf-8")
        now = datetime.now(UTC)
        await plant(url, study_id=STUDY, script_text=script_text, key=KEY, people=planted,
                    now=now)
        repository = create_repository(url)
        erased = [u for u in audience.forbidden if 4_000_001 <= u < 5_000_000]
        for user_id in erased:
            await repository.erase_respondent(pseudonym=pseudonymise(user_id, KEY))
        message = work / "message.yaml"
        message.write_text(MESSAGE, encoding="utf-8")
        log = work / "broadcast.log"
        async with FakeBotApi() as fake:
            limits = fake.enforce_limits(per_bot=int(rate), per_chat=1)
            for person in planted:
                fake.open_private_chat(person.user_id, person.language)
            for user_id in audience.blocked:
                fake.block_chat(user_id)
            for user_id in audience.deactivated:
                fake.deactivate_account(user_id)
            env = {"PATH": os.environ.get("PATH", ""), "HOME": folder,
                   "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": TOKEN,
                   "TELEGRAM_API_URL": fake.base_url.removesuffix("/bot"),
                   "PSEUDONYM_KEY": KEY, "DIALOGS_DIR": str(ROOT / "dialogs"),
                   "LOG_LEVEL": "WARNING"}
            began = time.perf_counter()
            kill_times = []
            process = await _start(env, message, rate, log)
            for k in range(1, kills + 1):
                target = recipients * k // (kills + 1)
                await fake.wait_for(lambda t=target: limits.accepted >= t,  # type: ignore[misc]
                                    timeout=recipients / rate * 3 + 60)
                process.send_signal(signal.SIGKILL)
                kill_times.append(time.perf_counter())
                await process.wait()
                process = await _start(env, message, rate, log)
            status = await process.wait()
            wall = time.perf_counter() - began
            if status != 0:
                raise SystemExit(f"the broadcast failed:\n{log.read_text()[-3000:]}")
            record = await repository.find_broadcast(study_id=STUDY, name=NAME)
            assert record is not None
            tally = await repository.broadcast_tally(broadcast_id=record.id)
            await repository.close()
            delivered = {u: len(fake.sent_messages(u)) for u in audience.opted_in}
            unreachable = set(audience.blocked) | set(audience.deactivated)
            doubt = tally.get(RecipientStatus.IN_DOUBT, 0) + tally.get(RecipientStatus.CLAIMED, 0)
            missing = sum(1 for u, n in delivered.items() if n == 0 and u not in unreachable)
            print(log.read_text().strip().splitlines()[-2:][0])
            print(log.read_text().strip().splitlines()[-1])
            return Figures(
                recipients=recipients, rate=rate, sends=limits.accepted,
                span=limits.accepted_at[-1] - limits.accepted_at[0],
                sending=_sending(limits.accepted_at, kill_times), wall=wall, restarts=kills, refused=limits.refused,
                duplicates=sum(n - 1 for n in delivered.values() if n > 1),
                to_forbidden=sum(len(fake.calls("sendMessage", chat_id=u))
                                 for u in audience.forbidden),
                tally=tally, missing=max(0, missing - doubt),
            )


def _sending(sends: list[float], kills: list[float]) -> float:
    """Time spent sending: each run's first to last send, summed over the runs."""
    total = 0.0
    bounds = [float("-inf"), *kills, float("inf")]
    for start, end in itertools.pairwise(bounds):
        inside = [t for t in sends if start <= t < end]
        if inside:
            total += inside[-1] - inside[0]
    return total


def main(argv: Sequence[str] | None = None) -> Figures:
    """Parse options, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 recipients at 100 a second")
    parser.add_argument("--recipients", type=int)
    parser.add_argument("--rate", type=float)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args(argv)
    recipients = args.recipients or (300 if args.quick else 10_000)
    rate = args.rate or (100.0 if args.quick else 30.0)
    figures = asyncio.run(run(recipients, rate, args.kills))
    figures.show()
    return figures


if __name__ == "__main__":
    main()
