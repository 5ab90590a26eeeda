import {toSchema} from '../model/toSchema';
import type {RunMetrics} from '../model/types';

/**
 * performance_metrics.json: the seed schema key for key, plus the extensions.
 *
 * Laid out for both people and size: the small blocks are indented, and each test (and each file) is one line.
 * A suite of 100,000 tests then writes about half the bytes of a fully indented file, `git diff` and `grep`
 * show one test per line, and `jq` reads it like any JSON.
 */
export function renderJson(run: RunMetrics): string {
  const document = toSchema(run);
  const block = (value: unknown): string => JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
  const perLine = (entries: Record<string, unknown>): string => {
    const lines = Object.entries(entries).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
    return lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n  }`;
  };
  const parts = Object.entries(document).map(([key, value]) => {
    const rendered = key === 'tests' || key === 'files' ? perLine(value as Record<string, unknown>) : block(value);
    return `  ${JSON.stringify(key)}: ${rendered}`;
  });
  return `{\n${parts.join(',\n')}\n}\n`;
}
