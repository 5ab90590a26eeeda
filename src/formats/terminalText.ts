/**
 * Text for a terminal and for plain-text reports: units, plurals, unprintable characters made visible, display
 * widths (wide and zero-width code points), clipping in the middle, and tables.
 */

export const plural = (count: number, word: string, words = `${word}s`): string => `${count} ${count === 1 ? word : words}`;

/** Milliseconds for people: `12.3 ms`, `4.56 s`. */
export const formatMs = (value: number): string => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);

/** Bytes for people, in MiB. */
export const formatMib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

export const formatSignedMib = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${formatMib(bytes)}`;

/**
 * Characters a terminal would act on rather than show (C0 and C1 controls, DEL; an ESC sequence can retitle the
 * window or hide text) and the bidirectional overrides that reorder what is shown. Tab and line feed are layout.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text for a terminal: unprintable characters shown as `\x1b` or `\u202e`, so a title cannot act on it. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, char => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Columns a code point takes in a terminal: 0 for combining marks and joiners, 2 for wide (East Asian, emoji).
 * Written here rather than taken from `string-width`: its maintained versions are ES modules only, which this
 * CommonJS package cannot `require`, and the summary needs just these ranges.
 */
function codePointWidth(code: number): number {
  if (
    (code >= 0x300 && code <= 0x36f) ||
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x1dc0 && code <= 0x1dff) ||
    (code >= 0x20d0 && code <= 0x20ff) ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0xfe20 && code <= 0xfe2f) ||
    (code >= 0xe0100 && code <= 0xe01ef) ||
    code === 0x200b ||
    code === 0x200d
  ) {
    return 0;
  }
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f680 && code <= 0x1f6ff) ||
    (code >= 0x1f900 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** The columns `text` takes in a terminal (approximately: the common wide and zero-width ranges). */
export function displayWidth(text: string): number {
  let width = 0;
  // Printable ASCII, the common case, is one column a character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  for (const char of text) width += codePointWidth(char.codePointAt(0)!);
  return width;
}

/** The longest start of `text` (whole code points) that takes at most `width` columns. */
function headOf(text: string, width: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    const next = used + codePointWidth(char.codePointAt(0)!);
    if (next > width) break;
    used = next;
    end += char.length;
  }
  return text.slice(0, end);
}

/** The longest end of `text` (whole code points) that takes at most `width` columns. */
function tailOf(text: string, width: number): string {
  const chars = Array.from(text);
  let used = 0;
  let start = chars.length;
  while (start > 0) {
    const next = used + codePointWidth(chars[start - 1].codePointAt(0)!);
    if (next > width) break;
    used = next;
    start--;
  }
  return chars.slice(start).join('');
}

/**
 * `text` in at most `width` columns, its middle replaced by `…` when it is longer: the end keeps `tailWidth`
 * columns (at most; a wide character is not split), the start the rest.
 */
export function clipMiddle(text: string, width: number, tailWidth = Math.round((width - 1) / 2)): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 1) return width === 1 ? '…' : '';
  const tail = Math.max(0, Math.min(width - 1, tailWidth));
  return `${headOf(text, width - 1 - tail)}…${tailOf(text, tail)}`;
}

/**
 * A test id in at most `width` columns, for a terminal: on one line, unprintable characters escaped, and cut in
 * the middle of its parts rather than at its end, so that ids that differ only in their test title, or only in
 * their file name, stay apart. The file keeps its start (the directory) and its whole base name when there is
 * room; the titles keep their start (the describe block) and more of their end (the test's own title).
 */
export function clipId(id: string, width: number): string {
  const text = printable(id.replace(/\s+/g, ' '));
  if (displayWidth(text) <= width) return text;
  const separator = text.indexOf('::');
  // Too narrow to show both parts usefully, or no `::`: one middle cut.
  if (separator < 0 || width < 16) return clipMiddle(text, width, Math.round((width - 1) * 0.6));
  const file = text.slice(0, separator);
  const titles = text.slice(separator + 2);
  const available = width - 2;
  const fileWidth = displayWidth(file);
  const titlesWidth = displayWidth(titles);
  // The titles get at least 55 % of the room, the file what they leave, and each gives the other what it does not use.
  const fileRoom = Math.min(fileWidth, Math.max(available - titlesWidth, Math.ceil(available * 0.45)));
  const titlesRoom = available - fileRoom;
  // The base name tells files apart more often than their directories do.
  const base = displayWidth(file.slice(file.lastIndexOf('/') + 1));
  const fileTail = base <= fileRoom - 5 ? base : Math.round((fileRoom - 1) * 0.55);
  return `${clipMiddle(file, fileRoom, fileTail)}::${clipMiddle(titles, titlesRoom, Math.round((titlesRoom - 1) * 0.65))}`;
}

/** A plain-text table: the first column left-aligned, the others right-aligned; the first row is the header. */
export function table(title: string, rows: string[][]): string[] {
  if (rows.length === 0) return [];
  // A tab or line feed in a title would break the row: each cell is one line.
  const shown = rows.map(row => row.map(cell => printable(cell.replace(/[\t\n]/g, ' '))));
  const widths = shown[0].map((_, column) => Math.max(...shown.map(row => displayWidth(row[column]))));
  const pad = (cell: string, column: number): string => {
    const room = ' '.repeat(Math.max(0, widths[column] - displayWidth(cell)));
    return column === 0 ? `${cell}${room}` : `${room}${cell}`;
  };
  return [printable(title), ...shown.map(row => `  ${row.map(pad).join('  ')}`)];
}
