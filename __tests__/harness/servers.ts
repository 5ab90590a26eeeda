/**
 * Real servers for the team-scale tests: a PostgreSQL cluster and a Prometheus Pushgateway, from Debian's packages
 * (.ci/run installs them). Each test file starts its own on a free loopback port and stops it afterwards. A missing
 * binary is an error, not a skip: CI installs them, and a silent skip would hide that it did not.
 */
import {execFileSync, spawn} from 'child_process';
import type {ChildProcess} from 'child_process';
import {chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** A free TCP port on 127.0.0.1 (the kernel picks one; it is closed again before the server takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter(name => existsSync(path.join(root, name, 'bin', 'pg_ctl'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/pg_ctl): apt-get install postgresql');
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

export interface PostgresServer {
  port: number;
  /** The directory of the server's Unix socket (`postgres://user@/db?host=<socketDir>`), where connections are trusted. */
  socketDir: string;
  user: string;
  password: string;
  /** A URL for `database` on this server, with the password in it unless `password: null` (then PGPASSWORD gives it). */
  url(database: string, options?: {password?: string | null}): string;
  /** Creates an empty database. */
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * initdb and pg_ctl in a temporary directory. PostgreSQL refuses to run as root, so as root (CI's container) the
 * cluster belongs to `nobody`. Local connections are trusted (for the setup); TCP ones need the password
 * (scram-sha-256), so a wrong password is refused as on a real server.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jpm-postgres-'));
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]): string => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'nobody', '--', command, ...args]] : [command, args];
    return execFileSync(file, argv, {cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
  };
  const user = 'jpm';
  const password = 'team-scale-secret';
  writeFileSync(path.join(dir, 'pwfile'), `${password}\n`);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'nobody'], {encoding: 'utf8'}).trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody'], {encoding: 'utf8'}).trim());
    chownSync(dir, uid, gid);
    chownSync(path.join(dir, 'pwfile'), uid, gid);
  }
  const data = path.join(dir, 'data');
  run(path.join(bin, 'initdb'), ['-D', data, '-U', user, '--pwfile', path.join(dir, 'pwfile'), '--auth-local=trust', '--auth-host=scram-sha-256', '--no-locale', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  const url = (database: string, {password: given = password}: {password?: string | null} = {}): string =>
    `postgres://${user}${given === null ? '' : `:${encodeURIComponent(given)}`}@127.0.0.1:${port}/${database}`;
  return {
    port,
    socketDir: dir,
    user,
    password,
    url,
    async createDatabase(name) {
      run(path.join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`]);
    },
    async stop() {
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, {recursive: true, force: true});
      }
    },
  };
}

const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway';

export interface Pushgateway {
  url: string;
  stop(): Promise<void>;
}

/** The Pushgateway on a free loopback port, persistence off: it starts empty. */
export async function startPushgateway(): Promise<Pushgateway> {
  if (!existsSync(PUSHGATEWAY)) throw new Error(`the Pushgateway is not installed (no ${PUSHGATEWAY}): apt-get install prometheus-pushgateway`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Debian's build persists to /var/lib/prometheus/pushgateway.data by default: an empty value keeps it in memory,
  // so each test's gateway starts empty and two at once do not share a file.
  const child: ChildProcess = spawn(PUSHGATEWAY, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='], {stdio: ['ignore', 'ignore', 'pipe']});
  let log = '';
  child.stderr!.on('data', chunk => (log += chunk));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Pushgateway exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Pushgateway did not get ready within 20 s:\n${log}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: () =>
      new Promise(resolve => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
