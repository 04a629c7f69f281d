"""Run blocking work off the event loop in a daemon thread, awaiting its result.

For work that cannot be interrupted (parsing a 5 MB article): Textual's thread workers run in
asyncio's default executor, which the interpreter waits for when the app exits, so ``q`` pressed
during such a parse would leave the process behind until the parse ends. A daemon thread is not
waited for; an awaiting worker that is cancelled (another article opened) just drops the result.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


async def in_daemon_thread(fn: Callable[..., T], *args, name: str = "reader-background") -> T:
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def settle(result, error) -> None:
        if future.done():  # cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        result, error = None, None
        try:
            result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task, raised there
            error = exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is gone: the app has exited
            pass

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
