"""The one bounded wait of the Pilot tests: a condition produced asynchronously (a worker,
a timer, another process's save) is waited for, with a limit, never slept for."""

from __future__ import annotations

import asyncio
import os
import select
import time


async def wait_for(pilot, condition, seconds: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        await pilot.pause(0.05)
        if condition():
            return True
    return condition()


def read_terminal_until(master: int, text: bytes, seconds: float = 30.0, seen: bytes = b"") -> bytes:
    """What a real pseudo-terminal showed (``seen`` and after) up to and with ``text``, read
    from its ``master`` side; fails, saying what was shown, if ``text`` does not come in time."""
    deadline = time.monotonic() + seconds
    while text not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    assert text in seen, f"{text.decode()!r} not shown; saw {seen[-400:]!r}"
    return seen
