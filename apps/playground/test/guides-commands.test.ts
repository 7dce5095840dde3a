// The guides and READMEs write playground commands the way they run after the README's set-up
// (`pnpm install`, then `pnpm start <command>`), and each command they write is one the CLI takes.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

const root = new URL('../../../', import.meta.url);
const start = fileURLToPath(new URL('../dist/start.js', import.meta.url));
const documents = [
  'README.md',
  'apps/playground/README.md',
  ...readdirSync(new URL('docs/guides/', root)).map((f) => `docs/guides/${f}`),
].filter((f) => f.endsWith('.md'));

interface Written {
  readonly file: string;
  readonly text: string;
}

/** Lines of `sh` blocks and inline code spans that call the playground. */
function playgroundCommands(): Written[] {
  const found: Written[] = [];
  for (const file of documents) {
    const md = readFileSync(new URL(file, root), 'utf8');
    for (const block of md.matchAll(/```sh\n([\s\S]*?)```/g)) {
      for (const line of (block[1] ?? '').split('\n')) {
        const text = line.replace(/\s+#.*$/, '').trim();
        if (/^(pnpm start|weft-playground)\b/.test(text)) found.push({ file, text });
      }
    }
    for (const span of md.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)) {
      const text = span[1] ?? '';
      // `pnpm start <command>` names the pattern; only concrete commands are checked.
      if (/^(pnpm start|weft-playground) /.test(text) && !text.includes('<'))
        found.push({ file, text });
    }
  }
  return found;
}

async function exitCode(args: readonly string[]): Promise<number> {
  return main(args, {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    signal: new AbortController().signal,
  });
}

describe('playground commands in the guides and READMEs', () => {
  const commands = playgroundCommands();

  it('finds the commands the guides write', () => {
    expect(commands.map((c) => c.text)).toEqual(
      expect.arrayContaining(['pnpm start race', 'pnpm start processes']),
    );
  });

  it('writes them as `pnpm start <command>`, which works after `pnpm install` (no global link)', () => {
    const bare = commands.filter((c) => c.text.startsWith('weft-playground'));
    expect(bare).toEqual([]);
  });

  it('writes only commands and options the CLI takes', async () => {
    for (const { file, text } of commands) {
      const args = text.split(/\s+/).slice(2);
      // `--help` after the options: parsed and checked like a real run, but nothing runs.
      const code = await exitCode(args.length === 0 ? ['tour', '--help'] : [...args, '--help']);
      expect(code, `${file}: ${text}`).toBe(0);
    }
  });

  it('runs `pnpm start race` through the start entry the root script calls', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [start, 'race', '--help'], { timeout: 30_000 }, (error, out) =>
        resolve({ code: error ? 1 : 0, stdout: out }),
      );
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: weft-playground race');
  });
});
