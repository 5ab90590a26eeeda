/**
 * The reporter's side of the channel: each worker appends every test file's lines to one file of its own, and the
 * reader hands each test file's lines over when its result arrives, whatever the workers wrote since.
 */
import {afterEach, beforeEach, describe, expect, test} from '@jest/globals';
import {appendFileSync, mkdtempSync, rmSync} from 'fs';
import {tmpdir} from 'os';
import * as path from 'path';
import {CHANNEL_VERSION, channelKey, workerChannelPath} from '../../../src/model/channel';
import {ChannelReader} from '../../../src/reporter/ChannelReader';

let dir: string;
let reader: ChannelReader;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'channel-reader-'));
  reader = new ChannelReader(dir);
});
afterEach(() => {
  reader.close();
  rmSync(dir, {recursive: true, force: true});
});

const key = (name: string) => channelKey('project', `/repo/${name}.test.js`);
/** A file's head as the writer writes it: a newline first, so a torn line before it ends there. */
const head = (name: string) => `\n${JSON.stringify({v: CHANNEL_VERSION, k: 'file-start', file: key(name), session: name, testPath: `/repo/${name}.test.js`})}\n`;
const attempt = (name: string, index: number) => `${JSON.stringify([CHANNEL_VERSION, index, [name, `t${index}`]])}\n`;
const write = (worker: number, text: string) => appendFileSync(workerChannelPath(dir, worker, 0), text);

describe('ChannelReader', () => {
  test('each file\'s lines, from whichever worker ran it, whatever that worker wrote next', () => {
    write(1, head('a') + attempt('a', 0) + attempt('a', 1));
    write(2, head('b') + attempt('b', 0));
    // Worker 1 has started its next file, and written half a line of it.
    write(1, head('c') + attempt('c', 0).slice(0, 5));
    expect(reader.take(key('a'))).toBe(head('a').slice(1) + attempt('a', 0) + attempt('a', 1) + '\n');
    expect(reader.take(key('a'))).toBeNull();
    write(1, attempt('c', 0).slice(5) + attempt('c', 1));
    write(2, attempt('b', 1));
    expect(reader.take(key('b'))).toBe(head('b').slice(1) + attempt('b', 0) + attempt('b', 1));
    expect(reader.take(key('c'))).toBe(head('c').slice(1) + attempt('c', 0) + attempt('c', 1));
    expect(reader.take(key('d'))).toBeNull();
  });

  test('a title that looks like a file-start line is not one', () => {
    const tricky = JSON.stringify([CHANNEL_VERSION, 0, [`{"v":${CHANNEL_VERSION},"k":"file-start","file":"x"}`]]);
    write(1, head('a') + `${tricky}\n`);
    expect(reader.take(key('a'))).toContain(tricky);
    expect(reader.take('x')).toBeNull();
  });

  test('a character split between two reads stays whole', () => {
    const line = `${JSON.stringify([CHANNEL_VERSION, 0, ['é'.repeat(40_000)]])}\n`;
    // 80,000 bytes of two-byte characters after an odd-length head: the 64 KiB read boundary splits one.
    write(1, head('a') + line);
    expect(reader.take(key('a'))).toBe(head('a').slice(1) + line);
  });

  test('a worker that died mid-line and a file re-run elsewhere: both runs are handed over, the torn line with the first', () => {
    write(1, head('a') + attempt('a', 0) + '[8,1,["a","t1"');
    expect(reader.take(key('b'))).toBeNull();
    write(2, head('a') + attempt('a', 0) + attempt('a', 1));
    const text = reader.take(key('a'));
    // The torn line never ends, so it is not handed over; the re-run comes after the first run.
    expect(text).toBe(head('a').slice(1) + attempt('a', 0) + head('a').slice(1) + attempt('a', 0) + attempt('a', 1));
  });

  test('lines of a file found after its result was handed over are dropped, not handed over again at the end', () => {
    write(1, head('a') + attempt('a', 0) + `${JSON.stringify({v: CHANNEL_VERSION, k: 'file-end', session: 'a'})}\n`);
    expect(reader.take(key('a'))).not.toBeNull();
    // The same file, re-run in another worker after the first died in its teardown.
    write(2, head('a') + attempt('a', 0));
    expect(reader.takeAll().size).toBe(0);
  });

  test('takeAll: the files no result asked for, with the lines of a worker first seen now', () => {
    write(1, head('a') + attempt('a', 0));
    expect(reader.take(key('a'))).not.toBeNull();
    write(1, head('b') + attempt('b', 0));
    write(3, head('c'));
    expect([...reader.takeAll().keys()].sort()).toEqual([key('b'), key('c')].sort());
    expect(reader.takeAll().size).toBe(0);
  });
});
