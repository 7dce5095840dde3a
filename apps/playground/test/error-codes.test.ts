// Error codes across Weft: every error class any package exports has its own `code`, so a caller
// who matches on `error.code` knows which package and which condition it came from. Classes are
// found, not listed: every Error subclass exported by every package under packages/ is built once
// and its code read, so a new class that reuses a code fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const packagesDir = new URL('../../../packages/', import.meta.url);

/** Names of the workspace packages under packages/ (the playground depends on each of them). */
function weftPackages(): string[] {
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const manifest = new URL(`${entry.name}/package.json`, packagesDir);
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name;
    });
}

type ErrorClass = new (...args: unknown[]) => Error;

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && value.prototype instanceof Error;
}

/**
 * A stand-in for any constructor argument: every property read, call or conversion gives back
 * something usable, so each class can be built without knowing its parameters.
 */
const anything: unknown = new Proxy(function anything() {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => 1 : anything),
  apply: () => anything,
  construct: () => anything as object,
});

/** The `code` an instance of `C` carries (codes are instance fields, so build one). */
function codeOf(C: ErrorClass): unknown {
  let error: Error;
  try {
    error = new C(anything, anything, anything, anything);
  } catch {
    error = new C();
  }
  return (error as { code?: unknown }).code;
}

interface Found {
  readonly where: string;
  readonly code: unknown;
  /** Whether another exported class extends this one (an abstract base may then carry no code). */
  readonly isBase: boolean;
}

async function exportedErrorClasses(): Promise<Found[]> {
  const seen = new Map<ErrorClass, string>();
  for (const name of weftPackages()) {
    const exports = (await import(name)) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(exports)) {
      if (isErrorClass(value) && !seen.has(value)) seen.set(value, `${name} ${exported}`);
    }
  }
  const classes = [...seen.keys()];
  return [...seen].map(([C, where]) => ({
    where,
    code: codeOf(C),
    isBase: classes.some((other) => other.prototype instanceof C),
  }));
}

describe('error codes across Weft', () => {
  it('finds the error classes of every package', async () => {
    const found = await exportedErrorClasses();
    const packages = new Set(found.map((f) => f.where.split(' ')[0]));
    expect([...packages].sort()).toEqual(weftPackages().sort());
  });

  it('gives every exported error class its own ERR_WEFT_ code', async () => {
    const byCode = new Map<unknown, string[]>();
    for (const { where, code, isBase } of await exportedErrorClasses()) {
      if (code === undefined && isBase) continue; // an abstract base such as SyncPrimitivesError
      expect(
        typeof code === 'string' && /^ERR_WEFT_[A-Z_]+$/.test(code),
        `${where}: ${String(code)}`,
      ).toBe(true);
      byCode.set(code, [...(byCode.get(code) ?? []), where]);
    }
    const shared = [...byCode].filter(([, classes]) => classes.length > 1);
    expect(shared).toEqual([]);
  });
});
