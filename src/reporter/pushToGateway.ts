import {readFileSync} from 'fs';
import * as path from 'path';
import {renderToString} from '../formats';
import {renderPrometheus} from '../formats/prometheus';
import {withoutUrlPasswords} from '../model/redactSecrets';
import type {RunMetrics} from '../model/types';
import {PUSHGATEWAY_SLOWEST} from '../options/types';
import type {PushgatewayOptions} from '../options/types';

/** The job every push is grouped under. */
export const PUSHGATEWAY_JOB = 'jest-perf-monitor';
/** A push that takes longer than this is given up: the run is over, and a Pushgateway answers in milliseconds. */
export const PUSH_TIMEOUT_MS = 5000;

/** The project's name for the grouping key: package.json's name at the rootDir, else the directory's name. */
export function projectName(rootDir: string): string {
  try {
    const name = (JSON.parse(readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as {name?: unknown}).name;
    if (typeof name === 'string' && name.trim() !== '') return name.trim();
  } catch {
    // No package.json, or not JSON: the directory names the project.
  }
  return path.basename(rootDir);
}

/**
 * One grouping-key segment of the Pushgateway's URL path. A value with `/` (a scoped package, `feature/x`) or one
 * that is empty uses the `@base64` form (URL-safe base64, as the Pushgateway reads it); others are percent-encoded.
 */
export function groupingSegment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/')) return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/** The environment variable whose value, when set, is sent as a Bearer token (a gateway behind an auth proxy). */
export const PUSHGATEWAY_TOKEN_ENV = 'JEST_PERF_PUSHGATEWAY_TOKEN';

/**
 * Where a push goes and how it authenticates. Credentials in the URL (`http://user:password@host:9091`) are taken out
 * (fetch refuses a URL that holds them) and sent as HTTP Basic auth; without them, `JEST_PERF_PUSHGATEWAY_TOKEN`
 * gives a Bearer token. `shown` is the URL without credentials, for messages.
 */
export function gatewayTarget(url: string, env: NodeJS.ProcessEnv = process.env): {base: string; shown: string; authorization: string | null} {
  const parsed = new URL(url);
  let authorization: string | null = null;
  if (parsed.username !== '' || parsed.password !== '') {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  } else {
    const token = env[PUSHGATEWAY_TOKEN_ENV]?.trim();
    if (token !== undefined && token !== '') authorization = `Bearer ${token}`;
  }
  const base = parsed.toString().replace(/\/+$/, '');
  return {base, shown: base, authorization};
}

/** The URL a push goes to: `<base>/metrics/job/jest-perf-monitor/project/<p>/branch/<b>`. */
export function pushUrl(base: string, group: {project: string; branch: string | null}): string {
  const trimmed = base.replace(/\/+$/, '');
  return `${trimmed}/metrics/job/${PUSHGATEWAY_JOB}/${groupingSegment('project', group.project)}/${groupingSegment('branch', group.branch ?? '')}`;
}

/**
 * PUTs the run's Prometheus exposition to the Pushgateway: PUT replaces every series of this group, so a re-run of
 * the same project and branch replaces its own series instead of leaving the last run's tests beside the new ones.
 * Returns null when pushed, else the one line to show (the run goes on either way).
 */
export async function pushToGateway(run: RunMetrics, target: Required<PushgatewayOptions>, group: {project: string; branch: string | null}): Promise<string | null> {
  const {base, shown, authorization} = gatewayTarget(target.url);
  const url = pushUrl(base, group);
  const body = renderToString(renderPrometheus(run, {tests: target.tests, slowest: PUSHGATEWAY_SLOWEST, projectLabel: 'jest_project'}));
  try {
    const response = await fetch(url, {
      method: 'PUT',
      headers: {'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', ...(authorization === null ? {} : {Authorization: authorization})},
      body,
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
    if (response.ok) return null;
    const detail = (await response.text().catch(() => '')).trim().split('\n')[0].slice(0, 200);
    return `pushgateway ${shown}: the push was refused (HTTP ${response.status}${detail === '' ? '' : `: ${withoutUrlPasswords(detail)}`}); the metrics of this run are not pushed`;
  } catch (error) {
    return `pushgateway ${shown}: cannot push (${withoutUrlPasswords(describeFetchError(error))}); the metrics of this run are not pushed`;
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${PUSH_TIMEOUT_MS / 1000} s`;
  // undici puts the system error (ECONNREFUSED, ENOTFOUND) in `cause`; its own message is only "fetch failed".
  const cause = (error as {cause?: {code?: string; message?: string; errors?: Array<{code?: string}>}}).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (code !== undefined) return code;
  return (error instanceof Error ? (cause?.message ?? error.message) : String(error)).split('\n')[0];
}
