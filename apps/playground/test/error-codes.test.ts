// Error codes across Weft: every error class any package exports has its own `code`, so a caller
// who matches on `error.code` knows which package and which condition it came from. Classes are
// found, not listed: every Error subclass exported by every package under packages/ is built once
// and its code read, so a new class that reuses a code fails here. A class name two packages both
// export must name the same condition in each (SAME_CONDITION below, and each class's TSDoc says
// so); a name reused for another condition fails here too. docs/error-codes.md is the table of
// them all (scripts/error-codes.mjs; `pnpm check:docs` fails when it is stale).
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

/** An instance of `C` (codes and names are instance fields, so build one). */
function instanceOf(C: ErrorClass): { code?: unknown; name: string } {
  try {
    return new C(anything, anything, anything, anything);
  } catch {
    return new C();
  }
}

interface Found {
  readonly pkg: string;
  /** `<package> <class name>`, for messages. */
  readonly where: string;
  /** The class's own name: the export its instances' `name` gives. */
  readonly name: string;
  /** Other names the package exports the same class under (deprecated aliases). */
  readonly aliases: readonly string[];
  readonly code: unknown;
  /** Whether another exported class extends this one (an abstract base may then carry no code). */
  readonly isBase: boolean;
}

async function exportedErrorClasses(): Promise<Found[]> {
  const seen = new Map<ErrorClass, { pkg: string; names: string[] }>();
  for (const pkg of weftPackages()) {
    const exports = (await import(pkg)) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(exports)) {
      if (!isErrorClass(value)) continue;
      const entry = seen.get(value);
      if (entry) entry.names.push(exported);
      else seen.set(value, { pkg, names: [exported] });
    }
  }
  const classes = [...seen.keys()];
  return [...seen].map(([C, { pkg, names }]) => {
    const instance = instanceOf(C);
    const name = names.includes(instance.name) ? instance.name : (names[0] ?? '');
    return {
      pkg,
      where: `${pkg} ${name}`,
      name,
      aliases: names.filter((other) => other !== name),
      code: instance.code,
      isBase: classes.some((other) => other.prototype instanceof C),
    };
  });
}

/** Deprecated second names of a class (`<package> <alias>` → class), kept for old imports. */
const DEPRECATED_ALIASES: Readonly<Record<string, string>> = {
  '@weft/core-scheduler TaskNotFoundError': 'TaskIdNotFoundError',
};

/**
 * Class names more than one package exports, each for the same condition in its own package; the
 * code tells them apart. A name is added here only for the same condition (and each class's TSDoc
 * names the other packages); a different condition gets a different name.
 */
const SAME_CONDITION: Readonly<Record<string, { packages: string[]; condition: string }>> = {
  QueueFullError: {
    packages: ['@weft/core-scheduler', '@weft/process-pool', '@weft/sync-primitives'],
    condition: 'a bounded queue has no room for one more item',
  },
  TaskTimeoutError: {
    packages: ['@weft/core-scheduler', '@weft/process-pool'],
    condition: 'a task ran longer than its timeout',
  },
  TaskCancelledError: {
    packages: ['@weft/core-scheduler', '@weft/process-pool'],
    condition: 'the caller cancelled the task',
  },
  TaskModuleLoadError: {
    packages: ['@weft/distributed', '@weft/process-pool'],
    condition: 'a worker could not import the task module',
  },
  InvalidOptionError: {
    packages: ['@weft/core-scheduler', '@weft/distributed'],
    condition: 'an option value that is not allowed',
  },
};

/** The TSDoc comment right above `export class <name>` in the package's sources. */
function tsdocOf(pkg: string, name: string): string {
  const dir = readdirSync(packagesDir, { withFileTypes: true }).find((entry) => {
    const manifest = new URL(`${entry.name}/package.json`, packagesDir);
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name === pkg;
  });
  const src = new URL(`${dir?.name ?? ''}/src/`, packagesDir);
  const declaration = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export class ${name}\\b`);
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const match = declaration.exec(readFileSync(new URL(file, src), 'utf8'));
    if (match) return match[1] ?? '';
  }
  return '';
}

describe('error codes across Weft', () => {
  it('finds the error classes of every package', async () => {
    const found = await exportedErrorClasses();
    const packages = new Set(found.map((f) => f.pkg));
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

  it('reuses a class name across packages only for the same condition, and says so in the TSDoc', async () => {
    const found = await exportedErrorClasses();
    // Every second name of a class is a deprecated alias declared above (an old name kept for
    // imports); its condition is the class's. Only class names count as reuse.
    const aliases = Object.fromEntries(
      found.flatMap(({ pkg, name, aliases }) => aliases.map((alias) => [`${pkg} ${alias}`, name])),
    );
    const byName = new Map<string, string[]>();
    for (const { pkg, name } of found) byName.set(name, [...(byName.get(name) ?? []), pkg]);
    const reused = Object.fromEntries(
      [...byName]
        .filter(([, packages]) => packages.length > 1)
        .map(([name, packages]) => [name, [...packages].sort()]),
    );
    const declared = Object.fromEntries(
      Object.entries(SAME_CONDITION).map(([name, { packages }]) => [name, [...packages].sort()]),
    );
    // A name not in SAME_CONDITION is reused for a condition nobody checked was the same: rename one.
    expect(reused).toEqual(declared);
    for (const [name, { packages }] of Object.entries(SAME_CONDITION)) {
      for (const pkg of packages) {
        const doc = tsdocOf(pkg, name);
        const others = packages.filter((other) => other !== pkg);
        for (const other of others) {
          expect(doc, `${pkg} ${name}'s TSDoc names ${other}, which uses the name too`).toContain(
            `\`${other}\``,
          );
        }
        expect(doc, `${pkg} ${name}'s TSDoc says the code tells them apart`).toMatch(
          /the `code` tells (them|the three) apart/,
        );
      }
    }
    expect(aliases).toEqual(DEPRECATED_ALIASES);
  });
});
