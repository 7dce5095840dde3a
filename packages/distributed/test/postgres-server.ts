// A private PostgreSQL server for tests: a fresh cluster in a temp dir, listening on 127.0.0.1 and a
// free port only (its socket in that dir too), trust auth, no fsync; stopped and removed on stop.
// PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user and every
// server command runs as that user.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-server.js';

const run = promisify(execFile);

export interface PostgresServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * The directory of PostgreSQL's server binaries (`initdb`, `pg_ctl`), or undefined when none is
 * installed: Debian keeps them in /usr/lib/postgresql/<major>/bin (newest taken), other systems on
 * the PATH.
 */
export function postgresBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((name) => /^\d+$/.test(name) && existsSync(join(debian, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0] !== undefined) return join(debian, majors[0], 'bin');
  }
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** The `postgres` account's uid/gid when this process is root (PostgreSQL won't run as root). */
async function serverAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('no PostgreSQL server binaries (initdb, pg_ctl) found');
  const account = await serverAccount();
  const dir = mkdtempSync(join(tmpdir(), 'weft-postgres-'));
  const data = join(dir, 'data');
  if (account !== undefined) chownSync(dir, account.uid, account.gid);
  // As root, run the server commands as `postgres`; otherwise as ourselves.
  const exec = (command: string, args: readonly string[]) =>
    account === undefined
      ? run(join(bin, command), args, { cwd: dir })
      : run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { cwd: dir });
  const user = account === undefined ? userInfo().username : 'postgres';
  const port = await freePort();
  try {
    await exec('initdb', ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync']);
    const settings = [
      `-c listen_addresses=127.0.0.1`,
      `-p ${port}`,
      `-k ${dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await exec('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-o',
      settings,
      '-w',
      'start',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://${user}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async stop(): Promise<void> {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves true when a PostgreSQL server at `url` answers `SELECT 1` within `timeout` ms. */
export async function pingPostgres(url: string, timeout: number): Promise<boolean> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeout });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
