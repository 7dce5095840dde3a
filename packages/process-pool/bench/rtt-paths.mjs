// How a thread worker and the pool could hand one tiny task and its result to each other, measured
// as a sequential round trip (await one, send the next) outside the pool, so only the path
// differs. Messages have the pool's shapes ({ t: 'run', b: [...] } and { t: 'done', r: [...] }).
// Variants, `worker side` + `main side`:
//   worker side  listen: a 'message' listener on parentPort (the worker's event loop wakes for each task)
//                spin:   after a task, poll the port with receiveMessageOnPort for --spin ms
//                linger: after a task, Atomics.wait on a doorbell word for --linger ms (the main side
//                        bumps and notifies it after each postMessage), then receiveMessageOnPort
//                both:   spin for --spin-first ms, then linger (for --linger's first value)
//   main side    event:  results on parentPort, a 'message' listener on the Worker
//                bell:   results on a MessagePort with no listener; the worker bumps and notifies a
//                        results word after posting; the main thread drains the port with
//                        receiveMessageOnPort when its Atomics.waitAsync on that word resolves
//                look:   results on a MessagePort of their own with a 'message' listener; after each
//                        postMessage the main thread also reads that port with receiveMessageOnPort
//                        once per event-loop turn (a setImmediate chain) for --look ms (the pool's
//                        reply-poll.ts)
// Rounds are interleaved (round r runs every variant once, in an order rotated by r), so load from
// elsewhere falls on all alike. Prints the median µs per round trip and the CPU µs (both threads:
// the process's user + system time) per round trip.
// Usage: node bench/rtt-paths.mjs [--n 20000] [--rounds 5] [--spin 0.05] [--linger 0.05,0.2,1]
//        [--spin-first 0.01] [--look 0.05] [--variants listen+event,spin+event,...]
import { once } from 'node:events';
import { setImmediate } from 'node:timers';
import { parseArgs } from 'node:util';
import {
  MessageChannel,
  Worker,
  isMainThread,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from 'node:worker_threads';

if (isMainThread) await main();
else workerSide(workerData);

async function main() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '5' },
      spin: { type: 'string', default: '0.05' },
      linger: { type: 'string', default: '0.05,0.2,1' },
      'spin-first': { type: 'string', default: '0.01' },
      look: { type: 'string', default: '0.05' },
      variants: { type: 'string' },
    },
  });
  const n = Number(values.n);
  const rounds = Number(values.rounds);
  const lingers = values.linger.split(',').map(Number);
  const all = [
    { name: 'listen+event', worker: 'listen', main: 'event' },
    { name: 'spin+event', worker: 'spin', main: 'event', ms: Number(values.spin) },
    ...lingers.map((ms) => ({ name: `linger ${ms}+event`, worker: 'linger', main: 'event', ms })),
    {
      name: `spin ${values['spin-first']} then linger ${lingers[0]}+event`,
      worker: 'both',
      main: 'event',
      ms: lingers[0],
      spinMs: Number(values['spin-first']),
    },
    { name: 'listen+bell', worker: 'listen', main: 'bell' },
    { name: 'spin+bell', worker: 'spin', main: 'bell', ms: Number(values.spin) },
    ...lingers.map((ms) => ({ name: `linger ${ms}+bell`, worker: 'linger', main: 'bell', ms })),
    { name: 'listen+look', worker: 'listen', main: 'look', lookMs: Number(values.look) },
    {
      name: 'spin+look',
      worker: 'spin',
      main: 'look',
      ms: Number(values.spin),
      lookMs: Number(values.look),
    },
  ];
  const wanted = values.variants?.split(',');
  const variants = wanted === undefined ? all : all.filter((v) => wanted.includes(v.name));
  const us = new Map(variants.map((v) => [v.name, []]));
  const cpu = new Map(variants.map((v) => [v.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + r) % variants.length];
      const peer = await open(v);
      await peer.seq(500); // warm up
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await peer.seq(n);
      const t = ((performance.now() - t0) * 1000) / n;
      const c = process.cpuUsage(c0);
      await peer.close();
      us.get(v.name).push(t);
      cpu.get(v.name).push((c.user + c.system) / n);
      process.stderr.write(`round ${r + 1}/${rounds} ${v.name}: ${t.toFixed(1)} µs\n`);
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const base = median(us.get(variants[0].name));
  console.log(
    `| variant | µs per round trip (median) | range | ÷ ${variants[0].name} | CPU µs per round trip |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const v of variants) {
    const xs = us.get(v.name);
    console.log(
      `| ${v.name} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} | ${(median(xs) / base).toFixed(2)}× | ${median(cpu.get(v.name)).toFixed(1)} |`,
    );
  }
}

async function open(v) {
  const runBell = new Int32Array(new SharedArrayBuffer(4));
  const doneBell = new Int32Array(new SharedArrayBuffer(4));
  const channel = v.main === 'event' ? undefined : new MessageChannel();
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { ...v, runBell: runBell.buffer, doneBell: doneBell.buffer, port: channel?.port2 },
    transferList: channel === undefined ? [] : [channel.port2],
  });
  await once(worker, 'online');
  let waiting; // resolves the round trip in flight
  const onDone = (m) => waiting(m.r[2]);
  let look = () => {};
  if (v.main === 'event') {
    worker.on('message', onDone);
  } else if (v.main === 'look') {
    const port = channel.port1;
    port.on('message', onDone);
    let until = 0;
    let looking = false;
    const step = () => {
      const got = receiveMessageOnPort(port);
      if (got !== undefined) onDone(got.message);
      if (performance.now() < until) setImmediate(step);
      else looking = false;
    };
    look = () => {
      until = performance.now() + v.lookMs;
      if (looking) return;
      looking = true;
      setImmediate(step);
    };
  } else {
    const port = channel.port1;
    const pump = () => {
      let seen;
      for (;;) {
        seen = Atomics.load(doneBell, 0);
        let got;
        while ((got = receiveMessageOnPort(port)) !== undefined) onDone(got.message);
        const wait = Atomics.waitAsync(doneBell, 0, seen);
        if (wait.async) {
          void wait.value.then(pump);
          return;
        }
      }
    };
    pump();
  }
  let id = 0;
  const post = (x) => {
    worker.postMessage({ t: 'run', b: [id++, 0, 'noop', [x], 0] });
    look();
    if (v.worker === 'linger' || v.worker === 'both') {
      Atomics.add(runBell, 0, 1);
      Atomics.notify(runBell, 0, 1);
    }
  };
  return {
    async seq(count) {
      for (let i = 0; i < count; i++) {
        await new Promise((resolve) => {
          waiting = resolve;
          post(i);
        });
      }
    },
    close: () => {
      channel?.port1.close();
      return worker.terminate();
    },
  };
}

function workerSide(v) {
  const runBell = new Int32Array(v.runBell);
  const doneBell = new Int32Array(v.doneBell);
  const out = v.main === 'event' ? parentPort : v.port;
  const reply = (m) => {
    const b = m.b;
    const t = performance.now();
    out.postMessage({ t: 'done', r: [b[0], 0, b[3][0], t, t, 0] });
    if (v.main === 'bell') {
      Atomics.add(doneBell, 0, 1);
      Atomics.notify(doneBell, 0);
    }
  };
  const spin = (ms = v.ms) => {
    const until = performance.now() + ms;
    do {
      const got = receiveMessageOnPort(parentPort);
      if (got !== undefined) return got.message;
    } while (performance.now() < until);
    return undefined;
  };
  const linger = () => {
    for (;;) {
      const seen = Atomics.load(runBell, 0);
      const got = receiveMessageOnPort(parentPort);
      if (got !== undefined) return got.message;
      if (Atomics.wait(runBell, 0, seen, v.ms) === 'timed-out') return undefined;
    }
  };
  const both = () => spin(v.spinMs) ?? linger();
  const more = { spin, linger, both, listen: () => undefined }[v.worker];
  parentPort.on('message', (m) => {
    for (let next = m; next !== undefined; next = more()) reply(next);
  });
}
