// `--otlp <url>`: a real playground run exports its spans and metrics over OTLP/HTTP to a
// receiver this test starts on 127.0.0.1, and flushes them before it exits.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli, type CliResult } from './helpers.js';

interface Received {
  readonly name: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly traceId: string;
}

const spans: Received[] = [];
const metricNames = new Set<string>();
let base = '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
      resourceSpans?: { scopeSpans?: { spans?: Received[] }[] }[];
      resourceMetrics?: { scopeMetrics?: { metrics?: { name: string }[] }[] }[];
    };
    if (req.url === '/v1/traces') {
      for (const r of body.resourceSpans ?? [])
        for (const s of r.scopeSpans ?? []) spans.push(...(s.spans ?? []));
    }
    if (req.url === '/v1/metrics') {
      for (const r of body.resourceMetrics ?? [])
        for (const s of r.scopeMetrics ?? [])
          for (const m of s.metrics ?? []) metricNames.add(m.name);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// Weft's own spans come from the packages the demo runs on (the pools' and the scheduler's tasks):
// checked once their built code records them (#24 lands them package by package).
const poolTraces = readFileSync(
  fileURLToPath(new URL('../node_modules/@weft/process-pool/dist/index.js', import.meta.url)),
  'utf8',
).includes('weft.task');

describe('weft-playground --otlp', () => {
  let result: CliResult;

  beforeAll(async () => {
    result = await runCli(['cpu-vs-io', '--workers', '2', '--otlp', base], 400_000);
  }, 420_000);

  it('sends the run’s spans, under one root span, to the collector before exiting', () => {
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`OpenTelemetry spans and metrics sent to: ${base}`);
    const root = spans.find((s) => s.name === 'weft-playground cpu-vs-io');
    expect(root).toBeDefined();
    const steps = spans.filter((s) => s.name.startsWith('cpu-vs-io '));
    expect(steps.map((s) => s.name)).toContain('cpu-vs-io mandelbrot: thread pool');
    expect(steps.map((s) => s.name)).toContain('cpu-vs-io http: event loop');
    // Every measured step is a child of the root span.
    for (const s of steps) {
      expect(s.traceId).toBe(root!.traceId);
      expect(s.parentSpanId).toBe(root!.spanId);
    }
  });

  it.skipIf(!poolTraces)('carries Weft’s own spans and metrics, inside the steps', () => {
    const root = spans.find((s) => s.name === 'weft-playground cpu-vs-io')!;
    const inRun = spans.filter((s) => s.traceId === root.traceId);
    const weft = inRun.filter((s) => s.name.startsWith('weft.task '));
    expect(weft.length).toBeGreaterThan(0);
    const ids = new Set(inRun.map((s) => s.spanId));
    for (const s of weft) expect(ids.has(s.parentSpanId)).toBe(true);
    expect([...metricNames].some((name) => name.startsWith('weft.'))).toBe(true);
  });

  it('refuses an --otlp value that is not an http(s) URL', async () => {
    const refused = await runCli(['cpu-vs-io', '--otlp', 'ftp://example'], 60_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--otlp was given 'ftp:\/\/example'; expected an http/);
  });
});
