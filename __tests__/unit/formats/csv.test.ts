import {describe, expect, test} from '@jest/globals';
import {csvText, renderCsv} from '../../../src/formats/csv';
import {failure, runOf, testOf} from '../../harness/syntheticRun';

describe('CSV formula injection', () => {
  test.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+SUM(1)', "'+SUM(1)"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['plain title', 'plain title'],
    ['a=b', 'a=b'],
  ])('%j becomes %j', (text, expected) => {
    expect(csvText(text)).toBe(expected);
  });

  test('text cells are guarded, numbers stay numbers (negative ones too)', () => {
    const entry = testOf('=1+1.test.js', ['+SUM(1)', "=cmd|' /C calc'!A0"], {
      status: 'failed',
      rssStartBytes: 50 * 1024 * 1024,
      rssEndBytes: 40 * 1024 * 1024,
      failure: failure('test', '=HYPERLINK("http://evil.test","click")'),
    });
    const lines = [...renderCsv(runOf([entry], []))].join('').split('\r\n');
    const cells = lines[1];
    expect(cells.startsWith("'=1+1.test.js::")).toBe(true);
    expect(cells).toContain(",'=1+1.test.js,");
    expect(cells).toContain(",'+SUM(1) > =cmd|' /C calc'!A0,");
    expect(cells).toContain(`,"'=HYPERLINK(""http://evil.test"",""click"")",`);
    // memory_delta_mb: a negative number, unquoted and unprefixed.
    expect(cells).toMatch(/,-10(\.0+)?,/);
  });
});
