// TypeScript task modules on both worker kinds: real `main.ts` programs in a temp folder, run under
// tsx (`node --import tsx`, the tsx CLI) and under Node's own type stripping, each spawned as its
// own process on the Node that runs this suite (CI runs it on Node 20, 22 and 24).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsxDir = dirname(require.resolve('tsx/package.json'));
const tsxCli = require.resolve('tsx/cli');

const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
/** Node strips types by default from 22.18 (and on 23.6+). */
const stripsByDefault = major > 22 || (major === 22 && minor >= 18);
const hasStripFlag = (process.features as { typescript?: unknown }).typescript !== undefined;

const TASKS_TS = `export function add(a: number, b: number): number {
  return a + b;
}
`;

// Runs one task on one worker and prints the outcome as one JSON line. The module is given as
// './tasks.js' (NodeNext style); only tasks.ts exists.
const program = (tasksImport: string): string => `import { Pool } from '@weft/process-pool';
import { add } from '${tasksImport}';
const kind = process.argv[2] as 'thread' | 'process';
const execArgv = process.env['POOL_EXEC_ARGV'];
const pool = new Pool<typeof import('${tasksImport}')>({
  module: new URL('./tasks.js', import.meta.url),
  kind,
  maxWorkers: 1,
  ...(execArgv === undefined ? {} : { execArgv: JSON.parse(execArgv) as string[] }),
});
try {
  console.log(JSON.stringify({ result: await pool.apply(add, [2, 3]) }));
} catch (error) {
  const { name, code } = error as { name: string; code?: string };
  console.log(JSON.stringify({ error: name, code }));
} finally {
  await pool.terminate();
}
`;

// Plain JavaScript main: the pool is the first to meet the TypeScript module.
const JS_PROGRAM = `import { Pool } from '@weft/process-pool';
const pool = new Pool({ module: new URL(process.argv[3], import.meta.url), kind: process.argv[2], maxWorkers: 1 });
try {
  console.log(JSON.stringify({ result: await pool.run('add', 2, 3) }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, code: error.code, message: error.message }));
} finally {
  await pool.terminate();
}
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-pool-ts-'));
  mkdirSync(join(dir, 'node_modules/@weft'), { recursive: true });
  symlinkSync(packageDir, join(dir, 'node_modules/@weft/process-pool'), 'dir');
  symlinkSync(tsxDir, join(dir, 'node_modules/tsx'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'tasks.ts'), TASKS_TS);
  // Under tsx a TypeScript import names the .js file; Node's own stripping needs the .ts name.
  writeFileSync(join(dir, 'main.ts'), program('./tasks.js'));
  writeFileSync(join(dir, 'main-native.ts'), program('./tasks.ts'));
  writeFileSync(join(dir, 'main.mjs'), JS_PROGRAM);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  readonly result?: number;
  readonly error?: string;
  readonly code?: string;
  readonly message?: string;
}

/** Run `node <args>` in the temp folder; resolve with the JSON line the program printed. */
function run(args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: dir, timeout: 60_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (line !== undefined) resolve(JSON.parse(line) as Outcome);
        else reject(new Error(`no outcome (${String(error?.message)}); stderr:\n${stderr}`));
      },
    );
  });
}

describe.each(['thread', 'process'] as const)('TypeScript task modules on %s workers', (kind) => {
  it('load under `node --import tsx main.ts`', { timeout: 90_000 }, async () => {
    expect(await run(['--import', 'tsx', 'main.ts', kind])).toEqual({ result: 5 });
  });

  it('load under the tsx CLI (`tsx main.ts`)', { timeout: 90_000 }, async () => {
    expect(await run([tsxCli, 'main.ts', kind])).toEqual({ result: 5 });
  });

  it(
    'keep the program’s tsx flags when the pool is given its own execArgv',
    { timeout: 90_000 },
    async () => {
      expect(
        await run(['--import', 'tsx', 'main.ts', kind], {
          POOL_EXEC_ARGV: JSON.stringify(['--no-deprecation']),
        }),
      ).toEqual({ result: 5 });
    },
  );

  it.skipIf(!stripsByDefault)(
    `load under Node's own type stripping, './tasks.js' resolving to tasks.ts (needs Node ≥ 22.18; this is ${process.version})`,
    { timeout: 90_000 },
    async () => {
      expect(await run(['main-native.ts', kind])).toEqual({ result: 5 });
    },
  );

  it(
    'fail with TypeScriptUnsupportedError where nothing loads TypeScript',
    { timeout: 90_000 },
    async () => {
      // Node 20 has no type stripping; on newer Node it is switched off for this run.
      const off = hasStripFlag ? ['--no-experimental-strip-types'] : [];
      for (const module of ['./tasks.ts', './tasks.js']) {
        const outcome = await run([...off, 'main.mjs', kind, module]);
        expect(outcome).toMatchObject({
          error: 'TypeScriptUnsupportedError',
          code: 'ERR_WEFT_POOL_TYPESCRIPT_UNSUPPORTED',
        });
        expect(outcome.message).toContain('tsx');
      }
    },
  );
});
