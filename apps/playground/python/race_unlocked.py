# The race: two threads each add 1 to one global counter, with nothing protecting it.
import json
import sys
import threading
import time

counter = 0


def increment(times):
    global counter
    for _ in range(times):
        counter += 1  # read, add, write back: three steps


if __name__ == "__main__":
    times = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    threads = [threading.Thread(target=increment, args=(times,)) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ms = (time.perf_counter() - start) * 1000
    print(f"counter = {counter:,} (expected {2 * times:,}) in {ms:.0f} ms")
    print("RESULT " + json.dumps({"final": counter, "expected": 2 * times, "ms": ms}))
