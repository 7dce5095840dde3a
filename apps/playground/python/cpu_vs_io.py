# CPU-bound work gains from processes (one interpreter, and GIL, each); I/O-bound work gains from
# overlapping its waits, on threads or with asyncio on one thread.
import asyncio
import time
from concurrent.futures import ProcessPoolExecutor


def digits_of_pi_work(n):
    return sum(i * i for i in range(n))


async def fetch(i):
    await asyncio.sleep(0.02)  # stands for an HTTP request
    return i


async def main():
    start = time.perf_counter()
    await asyncio.gather(*(fetch(i) for i in range(80)))
    print(f"80 requests, overlapped: {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    with ProcessPoolExecutor(2) as pool:
        start = time.perf_counter()
        list(pool.map(digits_of_pi_work, [2_000_000] * 4))
        print(f"4 CPU parts on 2 processes: {(time.perf_counter() - start) * 1000:.0f} ms")
    asyncio.run(main())
