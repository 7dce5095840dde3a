# CPU-bound work (pi by numerical integration) once, then twice at once on a thread pool and on a
# process pool. Under the GIL the threads take turns; the processes each have their own interpreter.
import json
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def pi(intervals):
    h = 1.0 / intervals
    total = 0.0
    for i in range(intervals):
        x = h * (i + 0.5)
        total += 4.0 / (1.0 + x * x)
    return total * h


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    intervals = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    one, one_ms = timed(lambda: pi(intervals))
    with ThreadPoolExecutor(workers) as threads:
        list(threads.map(pi, [1000] * workers))  # start the threads before timing
        t_values, threads_ms = timed(lambda: list(threads.map(pi, [intervals] * workers)))
    with ProcessPoolExecutor(workers) as processes:
        list(processes.map(pi, [1000] * workers))  # start the processes before timing
        p_values, processes_ms = timed(lambda: list(processes.map(pi, [intervals] * workers)))
    ok = all(abs(v - math.pi) < 1e-6 for v in [one, *t_values, *p_values])
    print(f"1 call: {one_ms:.0f} ms; {workers} on threads: {threads_ms:.0f} ms; "
          f"{workers} on processes: {processes_ms:.0f} ms")
    print("RESULT " + json.dumps({
        "workers": workers, "oneMs": one_ms, "threadsMs": threads_ms,
        "processesMs": processes_ms, "verified": ok,
    }))
