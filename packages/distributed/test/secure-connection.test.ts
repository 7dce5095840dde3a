// Secure connections: a real redis-server with `requirepass` and a TLS port, using a certificate
// this test makes with openssl. A weft-worker process connects with a `rediss://:password@` URL
// (trusting the certificate through NODE_EXTRA_CA_CERTS), the executor with ioredis options
// (`tls.ca`, `password`); calls run. A wrong password or an untrusted certificate is refused with
// RedisUnavailableError.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BullMQExecutor, RedisUnavailableError, startWorker } from '@weft/distributed';
import type { RedisConnection } from '@weft/distributed';
import * as tasks from './fixtures/tasks.mjs';
import { freshQueue, killAllWorkers, spawnWorker, TASKS_URL } from './helpers.js';
import { startRedis } from './redis-server.js';
import type { RedisServer } from './redis-server.js';

const noRedis = inject('redisUrl') === '';
const PASSWORD = 'tls-test-Pa55';

/** Why these tests can't run here, or undefined: they need openssl and a redis-server with TLS. */
function missingTls(): string | undefined {
  if (noRedis) return 'no redis-server';
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return 'openssl is not installed';
  }
  // A probe that never listens (no port, no TLS port) and exits at once: a build without TLS
  // refuses the tls-port directive ("Bad directive"), one with TLS says it has nowhere to listen.
  let output = '';
  try {
    output = execFileSync(
      'redis-server',
      ['--port', '0', '--tls-port', '0', '--save', '', '--appendonly', 'no'],
      { stdio: 'pipe', timeout: 5000 },
    ).toString();
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    output = `${String(stdout ?? '')}${String(stderr ?? '')}`;
  }
  return /Bad directive/i.test(output) ? 'this redis-server was built without TLS' : undefined;
}

const skipReason = missingTls();
if (skipReason !== undefined)
  console.warn(`@weft/distributed: SKIPPING the TLS tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('TLS and requirepass', () => {
  let dir = '';
  let ca = '';
  let redis: RedisServer;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weft-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
      ].concat(['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']),
      { stdio: 'ignore' },
    );
    ca = readFileSync(cert, 'utf8');
    redis = await startRedis({ password: PASSWORD, tls: { cert, key, ca: cert } });
  });

  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await killAllWorkers();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function tlsOptions(password: string, trusted = true): RedisConnection {
    return {
      host: '127.0.0.1',
      port: redis.tlsPort!,
      password,
      tls: trusted ? { ca } : {},
    };
  }

  it('runs calls through a weft-worker on rediss:// with a password', async () => {
    const queue = freshQueue('tls');
    await spawnWorker(
      [
        '--redis',
        `rediss://:${PASSWORD}@127.0.0.1:${redis.tlsPort!}`,
        '--queue',
        queue,
        '--kind',
        'inline',
        '--concurrency',
        '1',
        '--tasks',
        TASKS_URL,
      ],
      { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
    );
    const ex = new BullMQExecutor({ connection: tlsOptions(PASSWORD), queue, tasks: [TASKS_URL] });
    closers.push(() => ex.terminate());
    expect(await ex.apply(tasks.add, [20, 22])).toBe(42);
    expect(await ex.apply(tasks.echo, [new Map([['tls', true]])])).toEqual(
      new Map([['tls', true]]),
    );
  });

  it('refuses a wrong password and an untrusted certificate with RedisUnavailableError', async () => {
    for (const connection of [tlsOptions('wrong'), tlsOptions(PASSWORD, false)]) {
      const error = await startWorker({
        connection,
        queue: 'q',
        tasks: [TASKS_URL],
        connectTimeout: 1000,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      const ex = new BullMQExecutor({
        connection,
        queue: 'q',
        tasks: [TASKS_URL],
        connectTimeout: 1000,
      });
      const fromExecutor = await ex.ready().catch((e: unknown) => e);
      await ex.terminate();
      expect(fromExecutor).toBeInstanceOf(RedisUnavailableError);
    }
    // Without a password, the plain port refuses too (requirepass).
    const error = await startWorker({
      connection: redis.url,
      queue: 'q',
      tasks: [TASKS_URL],
      connectTimeout: 1000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
  });
});
