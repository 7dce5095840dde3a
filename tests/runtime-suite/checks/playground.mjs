// The playground's tour on this runtime: the whole CLI, run as a user runs it, ends with code 0 and
// writes its HTML and JSON reports.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, run } from '../harness.mjs';

const FEATURE = 'playground: the tour (weft-playground tour)';
const cli = fileURLToPath(new URL('../node_modules/@weft/playground/dist/cli.js', import.meta.url));
// The runner says how to start a script on this runtime (`deno run -A`, `bun`, `node`).
const command = JSON.parse(process.env.WEFT_RUNTIME_COMMAND ?? JSON.stringify([process.execPath]));

function runTour(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], [...command.slice(1), cli, 'tour', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}

check(
  `${FEATURE} :: runs every experiment and writes the HTML and JSON reports`,
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-tour-'));
    try {
      const html = join(dir, 'tour.html');
      const json = join(dir, 'tour.json');
      const { code, signal, output } = await runTour(['--html', html, '--json', json]);
      assert.equal(code, 0, `the tour exited with ${code ?? signal}:\n${output.slice(-2_000)}`);
      assert.ok((await stat(html)).size > 10_000, 'the HTML report is missing or small');
      const measured = JSON.parse(await readFile(json, 'utf8'));
      assert.equal(typeof measured, 'object');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  { timeout: 240_000 },
);

await run();
