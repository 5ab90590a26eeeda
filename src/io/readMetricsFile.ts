import {readFileSync} from 'fs';
import {fromSchema, SchemaError} from '../model/fromSchema';
import type {RunMetrics} from '../model/types';

/** Bad input to the CLI: its message is the one line the user sees (docs/cli.md#exit-codes-and-errors), and the exit code is 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Reads and parses a JSON file for the CLI, or throws an `InputError` naming the file and the problem. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new InputError(`cannot read ${file}: ${reason}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes the offending source, line breaks included; the message stays one line.
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
}

/** Reads a performance_metrics.json into the model, or throws an `InputError` naming the file and the problem. */
export function readMetricsFile(file: string): RunMetrics {
  const document = readJsonFile(file);
  try {
    return fromSchema(document);
  } catch (error) {
    if (error instanceof SchemaError) throw new InputError(`${file}: ${error.message}`);
    throw new InputError(`${file}: cannot be read as a metrics file (${error instanceof Error ? error.message : String(error)})`);
  }
}
