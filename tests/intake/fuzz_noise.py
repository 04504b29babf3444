"""Everything else Telegram delivers while respondents talk: group chatter and odd updates.

Group messages (from strangers and from respondents themselves) each get the bot's pointer to a
private chat; odd updates — ones the library can't parse, kinds the bot never asked for, channel
posts, reactions, blocks, presses on inline messages — must harm nobody and be confirmed.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence

from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_objects import JSON
from bot.testing.fake_updates import (
    UNPARSEABLE,
    message_reaction,
    my_chat_member,
)
from tests.intake.fuzz_people import Tally

STRANGERS = range(990_000_001, 990_000_200)  # people who never talk to the bot in private
GROUP_MESSAGES_EACH = 3  # PTB's limiter allows 20 replies a minute per group: spread them out


async def _wait(fake: FakeBotApi, tally: Tally, kind: str, update: JSON, chat: int | None,
                before: int) -> None:
    """Until the update is confirmed (and, for `chat`, the bot reacted there)."""
    world, reactions = fake.world, fake.world.reactions

    def done() -> bool:
        confirmed = all(update is not p for p in world.pending)  # replaced on confirmation
        return confirmed and (chat is None or reactions.get(chat, 0) > before)

    try:
        await fake.wait_for(done, tally.patience)
    except TimeoutError:
        tally.unanswered.append(f"{kind} in chat {chat}: update {update['update_id']}")


async def group_chatter(fake: FakeBotApi, rng: random.Random, count: int,
                        members: Sequence[int], tally: Tally) -> None:
    """`count` group messages; every one but an edit gets the bot's reply in its group."""
    for n in range(count):
        group = -(700_000_000 + n // GROUP_MESSAGES_EACH)
        if rng.random() < 0.3:
            group = -(1_000_000_000_000 + n // GROUP_MESSAGES_EACH)  # a supergroup
        sender = rng.choice([*members, *STRANGERS[:20]])
        kind = rng.choice(["group_text", "group_command", "group_sticker", "group_edit"])
        before = fake.world.reactions.get(group, 0)
        if kind == "group_edit":
            first = fake.user_sends_text(group, "typo", user_id=sender)
            await _wait(fake, tally, "group_text", first, group, before)
            tally.kinds["group_text"] += 1
            before = fake.world.reactions.get(group, 0)
            update = fake.user_edits_message(group, first["message"]["message_id"], "fixed")
        elif kind == "group_command":
            update = fake.user_sends_command(group, rng.choice(["start", "help", "stats"]),
                                             user_id=sender)
        elif kind == "group_sticker":
            update = fake.user_sends_sticker(group, "🙂", user_id=sender)
        else:
            update = fake.user_sends_text(group, rng.choice(["hello bot", "34", "yes"]),
                                          user_id=sender)
        tally.kinds[kind] += 1
        # An edit in a group gets no reply (there is nobody to point anywhere in a new message).
        await _wait(fake, tally, kind, update, None if kind == "group_edit" else group, before)
        await asyncio.sleep(rng.uniform(0.0, 0.05))


def _odd_makers(fake: FakeBotApi, rng: random.Random) -> dict[str, Callable[[], JSON]]:
    """Builders of updates nobody expects a reply to (pushed as Telegram may still send them)."""
    world = fake.world
    person = world.user(rng.choice(STRANGERS))
    chat = world.chat(person.id).to_json()

    def forced(kind_and_content: tuple[str, JSON]) -> JSON:
        kind, content = kind_and_content
        return fake.push_update({"update_id": world.next_update_id(), kind: content})

    makers: dict[str, Callable[[], JSON]] = {
        f"unparseable:{variant}": (lambda v=variant: fake.user_sends_unparseable(  # type: ignore[misc]
            person.id, v, force=True))
        for variant in UNPARSEABLE
    }
    makers |= {
        "unknown_kind": lambda: fake.user_sends_unknown_kind(person.id, force=True),
        "channel_post": lambda: forced(("channel_post", {
            "message_id": 1, "date": 0, "text": "news",
            "chat": {"id": -1_000_000_000_777, "type": "channel", "title": "News"}})),
        "my_chat_member": lambda: forced(my_chat_member(person, chat, world.bot, "kicked")),
        "message_reaction": lambda: forced(message_reaction(person, chat, 1, "🔥")),
        "poll_answer": lambda: forced(("poll_answer", {"poll_id": "1", "user": person.to_json(),
                                                       "option_ids": [0],
                                                       "option_persistent_ids": ["a1"]})),
    }
    return makers


async def odd_updates(fake: FakeBotApi, rng: random.Random, count: int,
                      tally: Tally) -> list[int]:
    """`count` odd updates, some presses on inline messages (answered); the unreadable ids."""
    unreadable = []
    for _ in range(count):
        if rng.random() < 0.15:
            stranger = rng.choice(STRANGERS)
            before = fake.world.reactions.get(stranger, 0)
            update = fake.user_presses_inline_button(stranger, "a|age|34")
            tally.kinds["inline_press"] += 1
            await _wait(fake, tally, "inline_press", update, stranger, before)
            continue
        makers = _odd_makers(fake, rng)
        kind = rng.choice(sorted(makers))
        update = makers[kind]()
        if kind.startswith("unparseable:"):
            unreadable.append(update["update_id"])
        tally.kinds[kind] += 1
        await _wait(fake, tally, kind, update, None, 0)
        await asyncio.sleep(rng.uniform(0.0, 0.05))
    return unreadable
