// A private redis-server for tests: loopback, a free port, persistence off, killed on stop.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** The TLS port, when started with `tls`. */
  readonly tlsPort?: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

/** Resolves true when a Redis at `url` answers PING within `timeout` ms. */
export function pingRedis(url: string, timeout: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeout);
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Files of a TLS certificate (PEM) for a Redis server; `ca` verifies it. */
export interface RedisTls {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export interface RedisServerOptions {
  /** `requirepass`: clients must AUTH with it. */
  readonly password?: string;
  /** Also listen for TLS connections on a free port, with this certificate. */
  readonly tls?: RedisTls;
  /**
   * Listen on this port instead of a free one: a test that stops a server can start a fresh,
   * empty one where its clients will reconnect.
   */
  readonly port?: number;
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const tlsPort = options.tls === undefined ? undefined : await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'weft-redis-'));
  const extra = [
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ...(options.tls === undefined || tlsPort === undefined
      ? []
      : [
          '--tls-port',
          String(tlsPort),
          '--tls-cert-file',
          options.tls.cert,
          '--tls-key-file',
          options.tls.key,
          '--tls-ca-cert-file',
          options.tls.ca,
          '--tls-auth-clients',
          'no',
        ]),
  ];
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  // Redis prints this line once it accepts connections.
  const ready = new Promise<void>((resolve) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Ready to accept connections')) resolve();
    });
  });
  await Promise.race([
    ready,
    spawnError,
    exited.then(() => Promise.reject(new Error('redis-server exited at start'))),
  ]);
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    port,
    ...(tlsPort === undefined ? {} : { tlsPort }),
    process: child,
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
