import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {locationFromStack, withoutInternalFrames} from '../../../src/environment/describeFailure';

const ROOT = path.resolve('/project');

describe('locationFromStack', () => {
  test('takes the first frame outside node internals and node_modules', () => {
    const stack = [
      'Error: boom',
      `    at helper (${path.join(ROOT, 'node_modules/lib/index.js')}:1:2)`,
      '    at node:internal/process/task_queues:95:5',
      `    at Object.<anonymous> (${path.join(ROOT, 'src/a.test.ts')}:12:34)`,
    ].join('\n');
    expect(locationFromStack(stack)).toEqual({file: path.join(ROOT, 'src/a.test.ts'), line: 12, column: 34});
    expect(locationFromStack(`Error\n    at ${path.join(ROOT, 'x.js')}:3:4`)).toEqual({file: path.join(ROOT, 'x.js'), line: 3, column: 4});
    expect(locationFromStack('Error: no frames')).toBeNull();
    expect(withoutInternalFrames(stack)).toBe(['Error: boom', `    at Object.<anonymous> (${path.join(ROOT, 'src/a.test.ts')}:12:34)`].join('\n'));
  });
});
