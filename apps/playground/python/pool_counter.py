# The classic multiprocessing program: two tasks on a pool of 5 processes each add 1 three times
# to a module-global counter that starts at 100; the main process keeps its own counter.
import json
import os
import sys
import time
from multiprocessing import Pool

counter = 100


def greet(name, sleep_s):
    global counter
    values = []
    for _ in range(3):
        counter += 1
        values.append(counter)
    print(f"[pid {os.getpid()}] {name}: counter -> {values}", flush=True)
    time.sleep(sleep_s)
    return {"name": name, "pid": os.getpid(), "values": values}


if __name__ == "__main__":
    sleep_s = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    with Pool(5) as pool:
        a = pool.apply_async(greet, ("Worker-A", sleep_s))
        b = pool.apply_async(greet, ("Worker-B", sleep_s))
        reports = [a.get(), b.get()]
    print(f"main process: pid {os.getpid()}, counter = {counter}")
    print("RESULT " + json.dumps({"reports": reports, "mainCounter": counter}))
