"""The one bounded wait of the Pilot tests: a condition produced asynchronously (a worker,
a timer, another process's save) is waited for, with a limit, never slept for."""

from __future__ import annotations

import asyncio


async def wait_for(pilot, condition, seconds: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        await pilot.pause(0.05)
        if condition():
            return True
    return condition()
