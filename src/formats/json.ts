import {toSchema} from '../model/toSchema';
import type {RunMetrics} from '../model/types';

/** performance_metrics.json: the seed schema key for key, plus the extensions. */
export function renderJson(run: RunMetrics): string {
  return `${JSON.stringify(toSchema(run), null, 2)}\n`;
}
