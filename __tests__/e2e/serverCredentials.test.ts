/**
 * Credentials in server URLs and a server that stalls: the PostgreSQL password never printed (in validation errors
 * too), the socket URL the CLI accepts accepted by the reporter, the Pushgateway's credentials sent as HTTP Basic
 * auth (or a Bearer token from JEST_PERF_PUSHGATEWAY_TOKEN) and never printed, and a locked history table costing
 * a few seconds and one line. Real servers (harness/servers.ts); the auth proxy in front of the gateway is the kind
 * of proxy a team puts there.
 */
import {afterAll, beforeAll, describe, expect, test} from '@jest/globals';
import * as http from 'http';
import type {AddressInfo} from 'net';
import {MAJORS, runCli, runJest} from '../harness/runJest';
import {startPostgres, startPushgateway} from '../harness/servers';
import type {PostgresServer, Pushgateway} from '../harness/servers';

const options = (value: object): Record<string, string> => ({FIXTURE_OPTIONS: JSON.stringify(value)});
/** Our reporter's lines (not the summary's headline). */
const notices = (run: {stderr: string}): string[] =>
  run.stderr.split('\n').filter(line => line.startsWith('jest-perf-monitor: ') && !/^jest-perf-monitor: \d+ tests? \(/.test(line));
const major = MAJORS[0];

let postgres: PostgresServer;
let databases = 0;
async function newDatabase(): Promise<string> {
  const name = `creds_${process.pid}_${++databases}`;
  await postgres.createDatabase(name);
  return name;
}

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
});

describe('PostgreSQL history', () => {
  test('a history URL refused by validation is shown without its password, from the environment and from the options', async () => {
    const fromEnv = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: 'postgres://ci:S3CRETPW@db:5432/perf\n'}});
    expect(fromEnv.exitCode).toBe(1);
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain('S3CRETPW');
    expect(fromEnv.stderr).toContain('jest-perf-monitor: JEST_PERF_HISTORY="postgres://ci:[redacted]@db:5432/perf\\n" is not valid for option "history"');

    const fromOptions = await runJest('checks', {major, args: ['src/timing'], env: options({history: 'postgres://ci:S3CRETPW@'})});
    expect(fromOptions.exitCode).toBe(1);
    expect(fromOptions.stdout + fromOptions.stderr).not.toContain('S3CRETPW');
    expect(fromOptions.stderr).toContain('jest-perf-monitor: option "history" got "postgres://ci:[redacted]@"');
  });

  test('the socket URL (no host, ?host=<socket directory>) is accepted by the reporter as by the CLI, its password never shown', async () => {
    const database = await newDatabase();
    // Local connections are trusted: the password is there to be kept out of every line, not to log in.
    const url = `postgres://${postgres.user}:S3CRETPW@/${database}?host=${encodeURIComponent(postgres.socketDir)}&port=${postgres.port}`;
    const run = await runJest('checks', {major, args: ['src/timing'], env: {...options({history: url})}});
    expect(run.exitCode).toBe(0);
    expect(notices(run)).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain('S3CRETPW');
    const trend = await runCli(['history', 'trend', '--db', url, '--test', 'src/timing.unit.test.js::slowed'], {cwd: run.dir});
    expect(trend.stderr).toBe('');
    expect(trend.exitCode).toBe(0);
    expect(trend.stdout).toContain('slowed');
    expect(trend.stdout + trend.stderr).not.toContain('S3CRETPW');
  });

  test('a locked history table costs a few seconds and one line, not the run', async () => {
    const database = await newDatabase();
    const url = `${postgres.url(database)}`;
    const firstStartedAt = Date.now();
    const first = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: url}});
    const firstMs = Date.now() - firstStartedAt;
    expect(first.exitCode).toBe(0);
    // Another session holds the runs table locked, as a long migration or a stuck transaction would.
    const {Client} = await import('pg');
    const locker = new Client({connectionString: url});
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE runs IN ACCESS EXCLUSIVE MODE');
      const startedAt = Date.now();
      const locked = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_HISTORY: url}, inDir: first.dir});
      const tookMs = Date.now() - startedAt;
      expect(locked.exitCode).toBe(0);
      const lines = notices(locked);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^jest-perf-monitor: history database postgres:\/\/jpm@127\.0\.0\.1:\d+\/creds_\d+_\d+: this run could not be recorded \(canceling statement due to lock timeout\)$/);
      // The lock adds its timeout (3 s) to the run, not the minute a stuck query used to wait; generous for a loaded machine.
      expect(tookMs).toBeLessThan(firstMs + 25_000);
    } finally {
      await locker.query('ROLLBACK').catch(() => {});
      await locker.end();
    }
  });
});

describe('Pushgateway credentials', () => {
  let gateway: Pushgateway;
  let proxy: http.Server;
  let proxyUrl: string;
  /** The Authorization header each request to the proxy carried. */
  const seen: Array<string | undefined> = [];
  const BASIC = `Basic ${Buffer.from('ci:GWS3CRET').toString('base64')}`;
  const BEARER = 'Bearer gw-token-BEARERSECRET1';

  beforeAll(async () => {
    gateway = await startPushgateway();
    // An auth proxy: Basic ci:GWS3CRET or the bearer token, else 401; what it lets through goes to the gateway.
    proxy = http.createServer((request, response) => {
      seen.push(request.headers.authorization);
      if (request.headers.authorization !== BASIC && request.headers.authorization !== BEARER) {
        response.writeHead(401, {'Content-Type': 'text/plain'}).end('unauthorized\n');
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', chunk => chunks.push(chunk as Buffer));
      request.on('end', () => {
        fetch(`${gateway.url}${request.url}`, {method: request.method, headers: {'Content-Type': request.headers['content-type'] ?? 'text/plain'}, body: Buffer.concat(chunks)})
          .then(async answer => response.writeHead(answer.status).end(await answer.text()))
          .catch(() => response.writeHead(502).end());
      });
    });
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise(resolve => proxy?.close(resolve));
    await gateway?.stop();
  });

  async function pushedProjects(): Promise<string> {
    return (await fetch(`${gateway.url}/metrics`)).text();
  }

  test('credentials in the URL are sent as Basic auth and never printed; a wrong password is one line without it', async () => {
    const project = `creds-basic-${process.pid}`;
    const files = {'package.json': JSON.stringify({name: project})};
    const run = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_PUSHGATEWAY: `http://ci:GWS3CRET@${proxyUrl}`}, files});
    expect(run.exitCode).toBe(0);
    expect(notices(run)).toEqual([]);
    expect(seen.at(-1)).toBe(BASIC);
    expect(await pushedProjects()).toContain(`project="${project}"`);
    expect(run.stdout + run.stderr).not.toContain('GWS3CRET');

    const wrong = await runJest('checks', {major, args: ['src/timing'], env: {...options({pushgateway: {url: `http://ci:WRONGPW9@${proxyUrl}`, tests: 'none'}})}, inDir: run.dir});
    expect(wrong.exitCode).toBe(0);
    expect(notices(wrong)).toEqual([`jest-perf-monitor: pushgateway http://${proxyUrl}: the push was refused (HTTP 401: unauthorized); the metrics of this run are not pushed`]);
    expect(wrong.stdout + wrong.stderr).not.toContain('WRONGPW9');
  });

  test('a Bearer token from JEST_PERF_PUSHGATEWAY_TOKEN, never printed', async () => {
    const project = `creds-bearer-${process.pid}`;
    const files = {'package.json': JSON.stringify({name: project})};
    const env = {...options({}), JEST_PERF_PUSHGATEWAY: `http://${proxyUrl}`, JEST_PERF_PUSHGATEWAY_TOKEN: 'gw-token-BEARERSECRET1'};
    const run = await runJest('checks', {major, args: ['src/timing'], env, files});
    expect(run.exitCode).toBe(0);
    expect(notices(run)).toEqual([]);
    expect(seen.at(-1)).toBe(BEARER);
    expect(await pushedProjects()).toContain(`project="${project}"`);
    expect(run.stdout + run.stderr).not.toContain('BEARERSECRET1');
  });

  test('a Pushgateway URL refused by validation is shown without its password', async () => {
    const run = await runJest('checks', {major, args: ['src/timing'], env: {...options({}), JEST_PERF_PUSHGATEWAY: 'http://ci:GWS3CRET@gw:9091?x=1'}});
    expect(run.exitCode).toBe(1);
    expect(run.stdout + run.stderr).not.toContain('GWS3CRET');
    expect(run.stderr).toContain('jest-perf-monitor: JEST_PERF_PUSHGATEWAY="http://ci:[redacted]@gw:9091?x=1" is not valid for option "pushgateway"');
  });
});
