# The race on one thread: each task reads, awaits, then writes back, so the others run in between.
# An asyncio.Lock held across the await makes read-await-write one step.
import asyncio

counter = 0


async def add(times, lock=None):
    global counter
    for _ in range(times):
        if lock is None:
            value = counter
            await asyncio.sleep(0)
            counter = value + 1
        else:
            async with lock:
                value = counter
                await asyncio.sleep(0)
                counter = value + 1


async def main():
    global counter
    await asyncio.gather(*(add(10) for _ in range(100)))
    print(f"unprotected: {counter} / 1000")
    counter = 0
    lock = asyncio.Lock()
    await asyncio.gather(*(add(10, lock) for _ in range(100)))
    print(f"asyncio.Lock: {counter} / 1000")


asyncio.run(main())
