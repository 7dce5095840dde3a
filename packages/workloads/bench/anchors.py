# CPython anchors for the race and GIL benchmarks (run by bench/run.mjs in the same run).
import json, sys, threading, time

def race(threads, n, mode):
    counter = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    def work():
        barrier.wait()
        if mode == 'unsafe':
            for _ in range(n):
                counter[0] += 1
        elif mode == 'with-lock':
            for _ in range(n):
                with lock:
                    counter[0] += 1
        else:
            for _ in range(n):
                lock.acquire()
                counter[0] += 1
                lock.release()
    ts = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for t in ts: t.start()
    for t in ts: t.join()
    return {'mode': mode, 'ms': (time.perf_counter() - start) * 1000, 'final': counter[0], 'expected': threads * n}

def cpu(units):
    # Midpoint-rule pi, as the pi-series workload computes it.
    h = 1.0 / units
    s = 0.0
    for i in range(units):
        x = (i + 0.5) * h
        s += 4.0 / (1.0 + x * x)
    return s * h

def gil(threads, units, work, delay):
    def run():
        if work == 'cpu':
            cpu(units)
        else:
            for _ in range(units):
                time.sleep(delay / 1000)
    ts = [threading.Thread(target=run) for _ in range(threads)]
    start = time.perf_counter()
    for t in ts: t.start()
    for t in ts: t.join()
    return (time.perf_counter() - start) * 1000

cfg = json.loads(sys.argv[1])
out = {'version': sys.version.split()[0], 'race': [race(cfg['threads'], cfg['increments'], m) for m in ('unsafe', 'with-lock', 'manual')]}
out['gil'] = {
    'cpu1': gil(1, cfg['cpuUnits'], 'cpu', 0),
    'cpu2': gil(2, cfg['cpuUnits'], 'cpu', 0),
    'io1': gil(1, cfg['ioWaits'], 'io', cfg['delayMs']),
    'io2': gil(2, cfg['ioWaits'], 'io', cfg['delayMs']),
}
print(json.dumps(out))
