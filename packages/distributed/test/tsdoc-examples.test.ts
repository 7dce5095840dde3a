// The TSDoc examples that run a workload pass it params @weft/workloads accepts today: an example
// the API rejects (a renamed or removed field) fails here instead of in a reader's code.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { getWorkload } from '@weft/workloads';

const source = readFileSync(new URL('../src/bullmq-executor.ts', import.meta.url), 'utf8');

/** The `@example` of the TSDoc comment right above `export class <name>`, comment stars removed. */
function exampleOf(name: string): string {
  const match = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export class ${name}\\b`).exec(
    source,
  );
  const doc = (match?.[1] ?? '').replace(/^\s*\* ?/gm, '');
  return doc.slice(doc.indexOf('@example'));
}

/** The `[workload name, params]` each `runWorkload` call of `code` passes, params evaluated. */
function workloadCalls(code: string): [string, unknown][] {
  const calls: [string, unknown][] = [];
  for (const call of code.matchAll(/runWorkload,\s*\['(\w+)',\s*([^\]]+?)\]\)/g)) {
    const [, workload = '', params = ''] = call;
    const named = /^\w+$/.test(params.trim())
      ? new RegExp(`const ${params.trim()} = (\\{[^;]*\\});`).exec(code)?.[1]
      : params;
    calls.push([workload, runInNewContext(`(${named ?? 'undefined'})`)]);
  }
  return calls;
}

describe('TSDoc examples', () => {
  it("BullMQExecutor's example runs a workload with params it accepts", () => {
    const calls = workloadCalls(exampleOf('BullMQExecutor'));
    expect(calls.length).toBeGreaterThan(0);
    for (const [name, params] of calls) {
      expect(() => getWorkload(name).validate(params)).not.toThrow();
    }
  });
});
