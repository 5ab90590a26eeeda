import {describe, expect, test} from '@jest/globals';
import {clipId, displayWidth, printable} from '../../../src/formats/terminalText';

describe('clipId', () => {
  const id = 'src/__tests__/to-have-accessible-errormessage.js::.toHaveAccessibleErrorMessage > passes when the aria-errormessage points at a visible element';

  test('an id that fits is left alone (on one line)', () => {
    expect(clipId('a.test.js::short', 40)).toBe('a.test.js::short');
    expect(clipId('a.test.js::line\nbreak', 40)).toBe('a.test.js::line break');
  });

  test.each([30, 40, 60, 80, 100])('cuts the middle of the file and of the titles, to exactly %i columns', width => {
    const clipped = clipId(id, width);
    expect(displayWidth(clipped)).toBe(width);
    expect(clipped).toMatch(/^src\//);
    expect(clipped).toContain('::');
    expect(clipped.endsWith('element')).toBe(true);
  });

  test('keeps the file\'s base name whole when there is room, and the test title\'s end', () => {
    expect(clipId(id, 130)).toMatch(/^src\/__tests__\/to-have-accessible-errormessage\.js::\.toHaveAccessibleError.*….*points at a visible element$/);
    expect(clipId(id, 100)).toMatch(/^src\/__test.*…to-have-accessible-errormessage\.js::\.toHaveAccessib.*….*points at a visible element$/);
    expect(clipId(id, 60)).toMatch(/^src\/__tests.*…rrormessage\.js::\.toHave.*….*at a visible element$/);
  });

  test('ids that differ only at the end of their title, or only in their file name, stay apart', () => {
    const titles = [1, 2, 3].map(n => clipId(`${id} (case ${n})`, 50));
    expect(new Set(titles).size).toBe(3);
    const files = ['errormessage', 'description'].map(name => clipId(`src/__tests__/to-have-accessible-${name}.js::.toHaveAccessible > passes when it points at a visible element`, 50));
    expect(files[0]).not.toBe(files[1]);
  });

  test('keeps the project prefix, wide characters and surrogate pairs whole', () => {
    expect(clipId(`[jsdom] ${id}`, 70).startsWith('[jsdom] src/')).toBe(true);
    const wide = clipId('src/日本語のテスト.test.js::describe 🚀 > テストのタイトルはとても長いです、本当に長いです 🚀', 40);
    expect(displayWidth(wide)).toBeLessThanOrEqual(40);
    // A wide character that does not fit leaves its column empty, once in the file and once in the titles.
    expect(displayWidth(wide)).toBeGreaterThanOrEqual(38);
    expect(wide).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  test('escapes control characters before measuring', () => {
    expect(clipId('a.test.js::\u001b[31mred', 40)).toBe('a.test.js::\\x1b[31mred');
  });
});

describe('printable', () => {
  test('escapes C0 and C1 controls, DEL and bidirectional overrides; keeps text, tabs and line feeds', () => {
    expect(printable('\u0000\u0007\u001b\u007f\u009b\u202e\u2066')).toBe('\\x00\\x07\\x1b\\x7f\\x9b\\u202e\\u2066');
    expect(printable('é 🚀 日本 a\tb\nc')).toBe('é 🚀 日本 a\tb\nc');
    expect(printable(printable('\u001b'))).toBe('\\x1b');
  });
});
