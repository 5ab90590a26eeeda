import {readFileSync} from 'fs';
import * as path from 'path';
import {renderToString} from '../formats';
import {renderPrometheus} from '../formats/prometheus';
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
  const url = pushUrl(target.url, group);
  const body = renderToString(renderPrometheus(run, {tests: target.tests, slowest: PUSHGATEWAY_SLOWEST, projectLabel: 'jest_project'}));
  try {
    const response = await fetch(url, {
      method: 'PUT',
      headers: {'Content-Type': 'text/plain; version=0.0.4; charset=utf-8'},
      body,
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
    if (response.ok) return null;
    const detail = (await response.text().catch(() => '')).trim().split('\n')[0].slice(0, 200);
    return `pushgateway ${target.url}: the push was refused (HTTP ${response.status}${detail === '' ? '' : `: ${detail}`}); the metrics of this run are not pushed`;
  } catch (error) {
    return `pushgateway ${target.url}: cannot push (${describeFetchError(error)}); the metrics of this run are not pushed`;
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
