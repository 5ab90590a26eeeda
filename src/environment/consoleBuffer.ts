/** A buffered console entry's own size beside its two strings: the object, its `type`, the array slot. */
const ENTRY_BYTES = 64;
/** A V8 string's header. */
const STRING_BYTES = 16;
const TWO_BYTE = /[\u0100-\uffff]/;

function stringBytes(value: unknown): number {
  if (typeof value !== 'string') return 0;
  return STRING_BYTES + value.length * (TWO_BYTE.test(value) ? 2 : 1);
}

/**
 * The heap held by Jest's buffered console for the running file: unless `--verbose` (or `--silent`), Jest keeps every
 * `console.*` call of a file, its message and the stack of the call, in the worker until the file ends, then hands
 * them to the reporters and lets them go. For leak detection that is not the file's leak, so it is taken off the
 * retained heap (docs/checks.md, "Leaks"). Reads BufferedConsole's `_buffer` (the same field in Jest 29 and 30),
 * counting only the entries added since the last call; 0 for any other console.
 */
export function bufferedConsoleBytes(global: object): () => number {
  let buffer: unknown[] | null = null;
  let counted = 0;
  let bytes = 0;
  return () => {
    const entries = ((global as {console?: unknown}).console as {_buffer?: unknown} | undefined)?._buffer;
    if (!Array.isArray(entries)) return 0;
    if (entries !== buffer || entries.length < counted) {
      buffer = entries;
      counted = 0;
      bytes = 0;
    }
    for (; counted < entries.length; counted++) {
      const entry = entries[counted] as {message?: unknown; origin?: unknown} | null;
      bytes += ENTRY_BYTES + stringBytes(entry?.message) + stringBytes(entry?.origin);
    }
    return bytes;
  };
}
