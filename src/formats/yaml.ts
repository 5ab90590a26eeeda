import type * as Yaml from 'yaml';
import {fileEntry, schemaHead, schemaTail, testEntry} from '../model/toSchema';
import type {RunMetrics} from '../model/types';

// Loaded on first use: the library takes ~100 ms to load, and most runs never write YAML (the reporter's main
// entry imports every format).
let yaml: typeof Yaml | null = null;
function stringify(value: unknown, options: Yaml.CreateNodeOptions & Yaml.ToStringOptions): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
  yaml ??= require('yaml') as typeof Yaml;
  return yaml.stringify(value, options);
}

/** Tests handed to the YAML library at a time. */
const BATCH = 200;
/** No line folding: long messages stay on one line, as in the JSON. */
const OPTIONS = {lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false} as const;

/**
 * The JSON document as YAML (same keys, same units), produced with the `yaml` package. It is rendered a batch of
 * tests at a time: each batch is stringified under its parent key, whose first line is then dropped, so the
 * library does all quoting and indentation.
 */
export function* renderYaml(run: RunMetrics): Generator<string> {
  yield stringify(schemaHead(run), OPTIONS);
  yield* keyed('tests', run.tests, entry => [entry.id, testEntry(entry)]);
  yield* keyed('files', run.files, file => [file.key, fileEntry(file)]);
  yield stringify(schemaTail(run), OPTIONS);
}

function* keyed<T>(key: string, items: readonly T[], entry: (item: T) => [string, unknown]): Generator<string> {
  if (items.length === 0) {
    yield stringify({[key]: {}}, OPTIONS);
    return;
  }
  yield `${key}:\n`;
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = Object.fromEntries(items.slice(start, start + BATCH).map(entry));
    const text = stringify({[key]: batch}, OPTIONS);
    yield text.slice(text.indexOf('\n') + 1);
  }
}
