import {describe, expect, test} from '@jest/globals';
import {renderAnnotations} from '../../../src/formats/githubActions';
import {failure, runOf, testOf} from '../../harness/syntheticRun';

describe('GitHub annotations', () => {
  test('control characters in titles and messages are shown escaped; line breaks stay encoded', () => {
    const hostile = testOf('src/a.test.js', ['retitles \u001b]0;pwned\u0007'], {
      status: 'failed',
      failure: failure('test', 'bad \u001b[2J\r\nnext 100%', {location: {file: 'src/a.test.js', line: 1, column: 1}}),
    });
    const lines = renderAnnotations(runOf([hostile], []), {rootDir: '/r', workspace: '/r'});
    const text = lines.join('\n');
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('retitles \\x1b]0;pwned\\x07');
    expect(text).toContain('::Error: bad \\x1b[2J%0Anext 100%25');
  });
});
