// A minimal OTLP/HTTP trace receiver for tests: accepts the JSON export requests of
// @opentelemetry/exporter-trace-otlp-http on 127.0.0.1 and keeps the spans, flattened.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  /** The instrumentation scope (tracer name) that made it, e.g. `@weft/process-pool`. */
  readonly scope: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface OtlpReceiver {
  /** The traces endpoint, `http://127.0.0.1:<port>/v1/traces`. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

interface OtlpSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: { key: string; value: OtlpValue }[];
}

interface OtlpRequest {
  resourceSpans?: { scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[];
}

// Ids are hex in OTLP/JSON; accept base64 (the protobuf-JSON mapping) too.
function hexId(id: string | undefined, length: number): string | undefined {
  if (id === undefined || id === '') return undefined;
  if (id.length === length && /^[0-9a-f]+$/.test(id)) return id;
  return Buffer.from(id, 'base64').toString('hex');
}

function value(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
        for (const resource of body.resourceSpans ?? []) {
          for (const scope of resource.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({
                scope: scope.scope?.name,
                name: span.name,
                kind: span.kind,
                traceId: hexId(span.traceId, 32)!,
                spanId: hexId(span.spanId, 16)!,
                parentSpanId: hexId(span.parentSpanId, 16),
                attributes: Object.fromEntries(
                  (span.attributes ?? []).map((a) => [a.key, value(a.value)]),
                ),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
