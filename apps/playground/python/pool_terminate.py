# A pool of 5 workers runs 20 short tasks: workers are reused and the rest wait in the queue.
# terminate() on a busy pool stops every worker at once; its pending results never arrive.
import os
import time
from multiprocessing import Pool, TimeoutError


def job(i, sleep_s):
    time.sleep(sleep_s)
    return i, os.getpid()


if __name__ == "__main__":
    with Pool(5) as pool:
        results = pool.starmap(job, [(i, 0.1) for i in range(20)])
    print("tasks per worker:", {pid: [p for _, p in results].count(pid) for _, pid in results})

    busy = Pool(2)
    pending = [busy.apply_async(job, (i, 60)) for i in range(6)]
    busy.terminate()
    busy.join()
    for r in pending:
        try:
            r.get(timeout=0.1)
        except TimeoutError:
            print("never finished")
