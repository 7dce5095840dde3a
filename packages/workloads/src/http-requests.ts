// HTTP workload: a node:http server on 127.0.0.1 (port 0) answers each request after a delay with
// a deterministic body; a client sends N requests with bounded concurrency and checks every body.
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addChecksum, deterministicBytes, fnv1a } from './internal/bytes.js';
import { forEachConcurrent, runIo } from './internal/io.js';
import { expectedBytesIo, mergeIo, verifyIo } from './internal/io-merge.js';
import { intField, rangeField, readObject, splitByRange, withRange } from './internal/params.js';
import type { IoResult } from './io-result.js';
import { WorkloadVerificationError } from './errors.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link httpRequests}.
 *
 * @example
 * ```ts
 * import { httpRequests, type HttpRequestsParams } from '@weft/workloads';
 * const params: HttpRequestsParams = httpRequests.validate({ requests: 100, delayMs: 10 });
 * ```
 */
export interface HttpRequestsParams {
  /**
   * Requests to send.
   * @defaultValue 50
   */
  readonly requests: number;
  /**
   * Requests in flight at once (also the keep-alive sockets).
   * @defaultValue 10
   */
  readonly concurrency: number;
  /**
   * Server-side delay before each answer (ms), standing for a slow backend.
   * @defaultValue 5
   */
  readonly delayMs: number;
  /**
   * Body size of each answer in bytes.
   * @defaultValue 1024
   */
  readonly bodyBytes: number;
  /** The request indices this part sends (set by `split()`). @defaultValue all requests */
  readonly range?: PartRange;
}

const NAME = 'http';

async function startServer(
  params: HttpRequestsParams,
): Promise<{ port: number; close: () => Promise<void> }> {
  const pending = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const index = Number(/^\/body\/(\d+)$/.exec(req.url ?? '')?.[1] ?? Number.NaN);
    if (!Number.isInteger(index)) {
      res.writeHead(404).end();
      return;
    }
    const timer = setTimeout(() => {
      pending.delete(timer);
      const body = deterministicBytes(index, params.bodyBytes);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': body.length,
      });
      res.end(body);
    }, params.delayMs);
    pending.add(timer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const close = (): Promise<void> => {
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
    return new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  return { port: (server.address() as AddressInfo).port, close };
}

function get(
  port: number,
  index: number,
  agent: Agent,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port,
      path: `/body/${index}`,
      agent,
      ...(signal ? { signal } : {}),
    };
    const req = request(options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode === 200) resolve(Buffer.concat(chunks));
        else
          reject(
            new WorkloadVerificationError(
              NAME,
              `request ${index} got status ${res.statusCode}, expected 200`,
            ),
          );
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * HTTP round trips on loopback: a `node:http` server on 127.0.0.1 (port 0) answers after `delayMs`
 * with a deterministic body; N requests run with bounded concurrency and every body is checked
 * byte for byte. The server is always closed, also on error or abort. Split by ranges of request
 * indices (each part runs its own server). Demonstrates I/O-bound work: time is mostly waiting, so
 * concurrency on one event loop is what helps.
 *
 * @example
 * ```ts
 * import { httpRequests } from '@weft/workloads';
 * const params = httpRequests.validate({ requests: 100, concurrency: 20, delayMs: 10 });
 * const result = await httpRequests.run(params); // ≈ 100 / 20 × 10 ms
 * console.log(httpRequests.verify(result, params).ok); // true
 * ```
 */
export const httpRequests: Workload<HttpRequestsParams, IoResult> = {
  name: NAME,
  kind: 'io',
  description:
    'HTTP requests to a delayed loopback server with deterministic bodies, split by requests.',
  sizes: {
    small: { requests: 50, concurrency: 10, delayMs: 5, bodyBytes: 1024 },
    medium: { requests: 500, concurrency: 50, delayMs: 20, bodyBytes: 16_384 },
    large: { requests: 5000, concurrency: 100, delayMs: 20, bodyBytes: 65_536 },
  },
  defaults: { requests: 50, concurrency: 10, delayMs: 5, bodyBytes: 1024 },
  validate(params?: unknown): HttpRequestsParams {
    const object = readObject(NAME, params, [
      'requests',
      'concurrency',
      'delayMs',
      'bodyBytes',
      'range',
    ]);
    const requests = intField(NAME, object, 'requests', 50, 1, 1_000_000);
    const concurrency = intField(NAME, object, 'concurrency', 10, 1, 1024);
    const delayMs = intField(NAME, object, 'delayMs', 5, 0, 60_000);
    const bodyBytes = intField(NAME, object, 'bodyBytes', 1024, 0, 16 * 1024 * 1024);
    return withRange(
      { requests, concurrency, delayMs, bodyBytes },
      rangeField(NAME, object, requests),
    );
  },
  run(params: HttpRequestsParams, options?: WorkloadRunOptions): Promise<IoResult> {
    return runIo(NAME, options, async (io) => {
      const valid = httpRequests.validate(params);
      const range = valid.range ?? { start: 0, end: valid.requests };
      const signal = options?.signal;
      const server = await startServer(valid);
      const agent = new Agent({ keepAlive: true, maxSockets: valid.concurrency });
      let bytes = 0;
      let checksum = 0;
      try {
        await forEachConcurrent(
          range.start,
          range.end,
          valid.concurrency,
          signal,
          async (index) => {
            const body = await io(() => get(server.port, index, agent, signal));
            if (!body.equals(deterministicBytes(index, valid.bodyBytes))) {
              throw new WorkloadVerificationError(
                NAME,
                `body of request ${index} differs from the expected ${valid.bodyBytes} bytes`,
              );
            }
            bytes += body.length;
            checksum = addChecksum(checksum, fnv1a(body));
          },
        );
      } finally {
        agent.destroy();
        await server.close();
      }
      return { range, items: range.end - range.start, bytes, checksum };
    });
  },
  verify(result: IoResult, params: HttpRequestsParams): Verification {
    const whole = { start: 0, end: params.requests };
    return verifyIo(result, expectedBytesIo(whole, params.bodyBytes), whole);
  },
  split(params: HttpRequestsParams, parts: number): HttpRequestsParams[] {
    return splitByRange(NAME, params, params.requests, parts);
  },
  merge(results: readonly IoResult[], params: HttpRequestsParams): IoResult {
    return mergeIo(NAME, results, params.requests);
  },
};
