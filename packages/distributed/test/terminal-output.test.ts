// Job data reaches the operator's terminal through weft-worker's output: a job written straight
// into the queue, whose module name and id carry ANSI/OSC escapes (clear the screen, set the title),
// a C1 CSI, a bidi override and a newline followed by a fake "all jobs fulfilled" line, must come
// out escaped, in the text lines on stderr and in the --json lines on stdout alike.
import { spawn } from 'node:child_process';
import { serialize } from 'node:v8';
import { Queue, QueueEvents } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CLI, deferred, freshQueue, killAllWorkers, TASKS_URL } from './helpers.js';

const redisUrl = inject('redisUrl');
const noRedis = redisUrl === '';
const cleanups: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllWorkers();
});

const EVIL = '\x1b[2J\x1b[H\x1b]0;owned\x07\nweft-worker: all jobs fulfilled\r\u009b2J\u202eevil';
// Job ids can't hold ':' (BullMQ), so the id carries the escapes without the fake line.
const EVIL_ID = 'id\x1b[2J\x1b]0;owned\x07\u009b2J';
// Anything a terminal acts on, except the newline that ends each of the worker's own lines.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/;

/**
 * Starts the real CLI (text or --json output), adds one job naming EVIL with BullMQ's own client,
 * and resolves with everything the worker printed once it printed the job's settle line.
 */
async function printedFor(json: boolean): Promise<{ stdout: string; stderr: string }> {
  const queue = freshQueue('escapes');
  const args = ['--redis', redisUrl, '--queue', queue, '--kind', 'inline', '--tasks', TASKS_URL];
  const child = spawn(process.execPath, [CLI, ...(json ? ['--json'] : []), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  let stdout = '';
  let stderr = '';
  const ready = deferred();
  const settled = deferred();
  const check = (): void => {
    const out = json ? stdout : stderr;
    if (out.includes(json ? '"type":"ready"' : 'taking jobs')) ready.resolve();
    if (out.includes(json ? '"type":"job:settled"' : ' rejected in ')) settled.resolve();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  // Rejections nobody awaits once the test has failed elsewhere are not unhandled.
  ready.promise.catch(() => undefined);
  settled.promise.catch(() => undefined);
  void exited.then(() => {
    const gone = new Error(`weft-worker exited: ${stderr}`);
    ready.reject(gone);
    settled.reject(gone);
  });
  await ready.promise;
  const admin = new Queue(queue, { connection: { url: redisUrl } });
  // From the stream's start, not '$': a job settled just before QueueEvents' first XREAD is seen.
  const events = new QueueEvents(queue, { connection: { url: redisUrl }, lastEventId: '0-0' });
  cleanups.push(() => admin.close());
  cleanups.push(() => events.close());
  await events.waitUntilReady();
  const job = await admin.add(
    'evil',
    { weft: 1, module: EVIL, export: `run${EVIL}`, args: serialize([]).toString('base64') },
    { jobId: EVIL_ID },
  );
  await job.waitUntilFinished(events, 20_000).catch(() => undefined);
  await settled.promise;
  return { stdout, stderr };
}

describe.skipIf(noRedis)('weft-worker output', () => {
  it('escapes control characters from job data in its text lines', async () => {
    const { stderr } = await printedFor(false);
    expect(stderr).not.toMatch(RAW_CONTROL);
    expect(stderr).toContain(
      '\\x1b[2J\\x1b[H\\x1b]0;owned\\x07\\x0aweft-worker: all jobs fulfilled',
    );
    expect(stderr).toContain('\\x9b2J\\u202eevil');
    expect(stderr).toContain('job id\\x1b[2J\\x1b]0;owned\\x07\\x9b2J rejected');
    // The fake line stays inside the job's own line.
    const lines = stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('weft-worker: all jobs fulfilled'))).toEqual([]);
  });

  it('leaves no raw control character in its --json lines, which still parse to the same text', async () => {
    const { stdout } = await printedFor(true);
    expect(stdout).not.toMatch(RAW_CONTROL);
    const settled = stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e['type'] === 'job:settled')!;
    expect(settled['task']).toBe(`${EVIL}#run${EVIL}`);
    expect(settled['jobId']).toBe(EVIL_ID);
  });
});
