import {describe, expect, test} from '@jest/globals';
import {bufferedConsoleBytes} from '../../../src/environment/consoleBuffer';

describe('bufferedConsoleBytes', () => {
  test("counts the strings Jest's BufferedConsole holds, two bytes a character when they need it, new entries only", () => {
    const buffer: Array<{message: string; origin: string; type: string}> = [];
    const global = {console: {_buffer: buffer}};
    const bytes = bufferedConsoleBytes(global);
    expect(bytes()).toBe(0);
    buffer.push({message: 'x'.repeat(1000), origin: 'at a (a.test.js:1:1)', type: 'log'});
    const one = bytes();
    expect(one).toBeGreaterThan(1000);
    expect(one).toBeLessThan(1200);
    buffer.push({message: 'é→'.repeat(500), origin: '', type: 'log'});
    expect(bytes() - one).toBeGreaterThan(2000);
    // A new console (the next file) starts again; any other console holds nothing.
    global.console = {_buffer: []};
    expect(bytes()).toBe(0);
    expect(bufferedConsoleBytes({console: {log() {}}})()).toBe(0);
  });
});
