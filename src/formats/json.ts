import {fileEntry, schemaHead, schemaTail, testEntryJson} from '../model/toSchema';
import type {RunMetrics} from '../model/types';

/**
 * performance_metrics.json: the seed schema key for key, plus the extensions.
 *
 * Laid out for both people and size: the small blocks are indented, and each test (and each file) is one line.
 * A suite of 100,000 tests then writes about half the bytes of a fully indented file, `git diff` and `grep`
 * show one test per line, and `jq` reads it like any JSON. It is produced one test at a time, so the whole
 * document never has to exist as one string.
 */
export function* renderJson(run: RunMetrics): Generator<string> {
  const block = (value: unknown): string => JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
  const blocks = (values: object): string =>
    Object.entries(values)
      .map(([key, value]) => `  ${JSON.stringify(key)}: ${block(value)},\n`)
      .join('');
  /** One member per line; `line` gives each item's key and its value already as JSON. */
  function* perLine<T>(key: string, items: readonly T[], line: (item: T) => [string, string]): Generator<string> {
    if (items.length === 0) {
      yield `  ${JSON.stringify(key)}: {},\n`;
      return;
    }
    yield `  ${JSON.stringify(key)}: {\n`;
    for (let index = 0; index < items.length; index++) {
      const [name, value] = line(items[index]);
      yield `    ${JSON.stringify(name)}: ${value}${index < items.length - 1 ? ',' : ''}\n`;
    }
    yield '  },\n';
  }
  yield `{\n${blocks(schemaHead(run))}`;
  yield* perLine('tests', run.tests, entry => [entry.id, testEntryJson(entry)]);
  yield* perLine('files', run.files, file => [file.key, JSON.stringify(fileEntry(file))]);
  yield `${blocks(schemaTail(run)).replace(/,\n$/, '\n')}}\n`;
}
