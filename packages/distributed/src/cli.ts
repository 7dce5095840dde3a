#!/usr/bin/env node
// weft-worker: the command-line face of startWorker. Run one per machine (or per terminal); it
// takes Weft jobs from a queue until SIGTERM/SIGINT, then stops gracefully (a second signal hands
// running jobs back at once).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { redact } from './internal/connection.js';
import { storeOf, storeSecrets } from './internal/store.js';
import { jsonLine, printable } from './internal/terminal-text.js';
import { startWorker } from './worker.js';
import type { WorkerTaskModule } from './task-module.js';
import type { DistributedWorker, StartWorkerOptions, WorkerKind } from './worker.js';

const HELP = `Usage: weft-worker --tasks <module> [--tasks <module>]... [options]

Takes Weft jobs from a BullMQ queue and runs them on a local pool of threads or processes
(CPU tasks) or inline (I/O tasks). It runs only the exported functions of its --tasks modules:
a job naming anything else fails with TaskNotRegisteredError and nothing is imported.
SIGTERM/SIGINT: finish running jobs (up to --grace ms), hand the rest back to the queue, stop
every child, exit. A second signal hands back at once.

Options:
  --tasks <module>         a task module this worker runs (required, repeatable): a path, a
                           file: URL or a package name, under the id callers use in their
                           executor's "tasks"; or id=location when callers name it by an id
                           that is somewhere else on this machine
  --redis <url>            Redis URL (env WEFT_REDIS_URL; default redis://127.0.0.1:6379;
                           rediss:// for TLS, redis://:password@host for AUTH)
  --postgres <url>         use PostgreSQL instead of Redis: postgres://user:password@host:port/db
                           (BullMQ's schema "bullmq", created there if missing; needs the "pg"
                           package); not with --redis
  --queue <name>           queue name (env WEFT_QUEUE; default "weft")
  --concurrency <n>        jobs at once and pool size (default: available cores)
  --kind <kind>            thread | process | inline (default: thread)
  --max-args-bytes <n>     refuse jobs whose arguments are larger, undecoded (default 16 MiB)
  --cwd <dir>              resolve module paths and package names from here (default: cwd)
  --name <name>            worker name in timelines and logs (default: host:pid)
  --prefix <prefix>        BullMQ key prefix (default: bull)
  --lock-duration <ms>     job lock duration (default 30000)
  --stalled-interval <ms>  how often to look for stalled jobs (default 30000)
  --max-stalled <n>        re-runs of a stalled job before it fails (default 1)
  --grace <ms>             time running jobs get to finish on SIGTERM (default 30000)
  --connect-timeout <ms>   give up if Redis is unreachable for this long (default 10000)
  --start-report-delay <ms>
                           report a job's start separately only once it has run this long;
                           shorter jobs send it with their result (default 2; 0: always)
  --telemetry              trace jobs with OpenTelemetry through bullmq-otel, on the globally
                           registered provider: install bullmq-otel and @opentelemetry/api, and
                           register your SDK before the worker starts, e.g.
                           NODE_OPTIONS="--import ./tracing.mjs" weft-worker --telemetry ...
                           (without it, a registered SDK still gets Weft's weft.run spans, children
                           of the caller's weft.task span)
  --json                   print events as JSON lines on stdout
  --quiet                  no line per job: only errors (and, with --json, ready/stopping/stopped)
  -h, --help               show this help
  -v, --version            show the version
`;

// The text of a thrown value that is not an Error, printed as the job's error (a thrown string as
// itself). Not the "got ..." description of a given value: that is @weft/sync-primitives'
// describeValue, used in every package's error messages.
function thrownText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
}

// Passwords of the Redis connection in use, masked in everything printed.
let secrets: readonly string[] = [];

/**
 * Print one line on stderr: text from jobs and errors may hold control characters (escaped) and
 * errors may quote the Redis address (passwords masked).
 */
function printError(text: string): void {
  process.stderr.write(`weft-worker: ${printable(redact(text, secrets))}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): never {
  printError(message);
  process.stderr.write(`${HELP.split('\n')[0] ?? ''}\n`);
  process.exit(2);
}

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) fail(`--${name} must be a number, got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        redis: { type: 'string' },
        postgres: { type: 'string' },
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        kind: { type: 'string' },
        tasks: { type: 'string', multiple: true },
        // Replaced by --tasks; still parsed, to say so.
        module: { type: 'string', multiple: true },
        'max-args-bytes': { type: 'string' },
        cwd: { type: 'string' },
        name: { type: 'string' },
        prefix: { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
        'max-stalled': { type: 'string' },
        grace: { type: 'string' },
        'connect-timeout': { type: 'string' },
        'start-report-delay': { type: 'string' },
        telemetry: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return;
  }
  if (parsed.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    process.stdout.write(`${pkg.version}\n`);
    return;
  }
  if (parsed.postgres !== undefined && parsed.redis !== undefined)
    fail('--postgres and --redis name two stores: pass one (callers and workers share one store)');
  if (parsed.module !== undefined)
    fail('--module was replaced by --tasks: pass --tasks id=location (or --tasks location)');
  const tasks: WorkerTaskModule[] = [];
  for (const entry of parsed.tasks ?? []) {
    const eq = entry.indexOf('=');
    if (eq === 0 || eq === entry.length - 1)
      fail(`--tasks must be a module or id=location, got "${entry}"`);
    tasks.push(eq < 0 ? entry : { id: entry.slice(0, eq), location: entry.slice(eq + 1) });
  }
  if (tasks.length === 0)
    fail(
      'no task modules: pass --tasks <module> (repeatable) with the task modules this worker runs, ' +
        'e.g. --tasks ./dist/tasks.js or --tasks @my-app/tasks',
    );
  const optional = {
    concurrency: number('concurrency', parsed.concurrency),
    lockDuration: number('lock-duration', parsed['lock-duration']),
    stalledInterval: number('stalled-interval', parsed['stalled-interval']),
    maxStalledCount: number('max-stalled', parsed['max-stalled']),
    gracePeriod: number('grace', parsed.grace),
    connectTimeout: number('connect-timeout', parsed['connect-timeout']),
    startReportDelay: number('start-report-delay', parsed['start-report-delay']),
    maxArgsBytes: number('max-args-bytes', parsed['max-args-bytes']),
    kind: parsed.kind as WorkerKind | undefined,
    cwd: parsed.cwd,
    name: parsed.name,
    prefix: parsed.prefix,
    // Without the flag: no bullmq-otel, but Weft's own spans still go to a registered SDK.
    telemetry: parsed.telemetry ? true : undefined,
  };
  const options: StartWorkerOptions = {
    connection:
      parsed.postgres !== undefined
        ? { postgres: parsed.postgres }
        : (parsed.redis ?? process.env['WEFT_REDIS_URL'] ?? 'redis://127.0.0.1:6379'),
    queue: parsed.queue ?? process.env['WEFT_QUEUE'] ?? 'weft',
    tasks,
    ...(Object.fromEntries(
      Object.entries(optional).filter(([, v]) => v !== undefined),
    ) as Partial<StartWorkerOptions>),
  };
  secrets = storeSecrets(storeOf(options.connection));
  const json = parsed.json;
  const quiet = parsed.quiet;
  const log = (text: string): void => {
    if (!quiet && !json) printError(text);
  };
  const emit = (record: Record<string, unknown>): void => {
    if (!json) return;
    const masked = Object.fromEntries(
      Object.entries(record).map(([k, v]) => [k, typeof v === 'string' ? redact(v, secrets) : v]),
    );
    process.stdout.write(`${jsonLine(masked)}\n`);
  };

  let worker: DistributedWorker;
  try {
    worker = await startWorker(options);
  } catch (error) {
    printError(messageOf(error));
    process.exitCode = 1;
    return;
  }
  // --quiet: no line per job, in either format (a busy worker would spend its time printing), and
  // so no job event is even built: only errors are listened to.
  const subscribe = quiet ? worker.subscribeErrors.bind(worker) : worker.subscribe.bind(worker);
  subscribe((event) => {
    if (event.type === 'error') {
      if (!quiet) printError(messageOf(event.error));
      emit({ type: 'error', message: messageOf(event.error) });
      return;
    }
    const { error, ...rest } = event as typeof event & { error?: unknown };
    emit({
      ...rest,
      ...(error === undefined
        ? {}
        : {
            error: error instanceof Error ? `${error.name}: ${error.message}` : thrownText(error),
          }),
    });
    if (event.type === 'job:settled')
      log(`${event.task} job ${event.jobId} ${event.status} in ${event.runMs.toFixed(1)} ms`);
    if (event.type === 'job:handed-back') log(`job ${event.jobId} handed back to the queue`);
  });
  emit({
    type: 'ready',
    name: worker.name,
    pid: process.pid,
    queue: worker.queue,
    kind: worker.kind,
    concurrency: worker.concurrency,
  });
  log(
    `${worker.name} taking jobs from "${worker.queue}" (${worker.kind}, concurrency ${worker.concurrency}); Ctrl-C to stop`,
  );

  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      log(`${signal}: finishing running jobs (send again to hand them back now)`);
      emit({ type: 'stopping', signal });
      worker.close().then(
        () => {
          emit({ type: 'stopped' });
          log('stopped');
          process.exitCode = 0;
          // Anything a task left behind (an abandoned inline timer) must not keep us alive.
          setTimeout(() => process.exit(), 1000).unref();
        },
        (error: unknown) => {
          printError(messageOf(error));
          process.exit(1);
        },
      );
    } else {
      log(`${signal}: handing running jobs back`);
      void worker.close({ gracePeriod: 0 });
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
