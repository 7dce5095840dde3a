# I/O-bound threads under the GIL: a thread releases the GIL while it waits, so the waits overlap.
import threading
import time


def wait(times, delay_s):
    for _ in range(times):
        time.sleep(delay_s)  # stands for a socket or file read; the GIL is released meanwhile


if __name__ == "__main__":
    start = time.perf_counter()
    wait(40, 0.005)
    one = time.perf_counter() - start
    threads = [threading.Thread(target=wait, args=(40, 0.005)) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"1 thread: {one * 1000:.0f} ms; 2 threads, twice the waiting: "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
