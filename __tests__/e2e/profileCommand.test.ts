/**
 * `jest-perf-monitor profile` on crafted files: a 20,000-deep call chain with 20,000 samples is read in one walk of
 * the tree (it took minutes when each sample's stack was walked), and nonsense (negative time deltas, a cycle) is
 * refused in one line naming the file, exit 2.
 */
import {describe, expect, test} from '@jest/globals';
import {mkdtempSync, rmSync, writeFileSync} from 'fs';
import * as os from 'os';
import * as path from 'path';
import {runCli} from '../harness/runJest';

const frame = (functionName: string, url = '', lineNumber = -1) => ({functionName, scriptId: '1', url, lineNumber, columnNumber: 0});

function deepChain(depth: number): object {
  const nodes: object[] = [{id: 1, callFrame: frame('(root)'), children: [2]}];
  for (let id = 2; id <= depth + 1; id++) nodes.push({id, callFrame: frame(`f${id}`, 'file:///repo/deep.js', id), children: id <= depth ? [id + 1] : []});
  // Every sample in the deepest frame: each of the 20,000 frames is on each sample's stack.
  const samples = Array.from({length: depth}, () => depth + 1);
  return {nodes, startTime: 0, endTime: (depth + 1) * 1000, samples, timeDeltas: samples.map(() => 1000)};
}

describe('profile command', () => {
  test('a 20,000-deep call chain with 20,000 samples', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jpm-profile-'));
    try {
      writeFileSync(path.join(dir, 'deep.cpuprofile'), JSON.stringify(deepChain(20_000)));
      const cli = await runCli(['profile', 'deep.cpuprofile', '--top', '2'], {cwd: dir});
      expect(cli.stderr).toBe('');
      expect(cli.exitCode).toBe(0);
      // The leaf has all the self time; its total is the same 20 s.
      expect(cli.stdout).toMatch(/f20001 \(\S*deep\.js:20002\)\s+20\.00 s\s+20\.00 s/);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  }, 60_000);

  test('negative time deltas and a cycle are refused in one line, exit 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jpm-profile-'));
    try {
      const valid = deepChain(3) as {timeDeltas: number[]; nodes: Array<{children: number[]}>};
      writeFileSync(path.join(dir, 'negative.cpuprofile'), JSON.stringify({...valid, timeDeltas: [1000, -40000, 1000]}));
      const negative = await runCli(['profile', 'negative.cpuprofile'], {cwd: dir});
      expect(negative.exitCode).toBe(2);
      expect(negative.stdout).toBe('');
      expect(negative.stderr.trim().split('\n')).toEqual(['jest-perf-monitor: negative.cpuprofile: timeDeltas[1] is negative (-40000): samples out of time order']);
      const cyclic = {...valid, nodes: valid.nodes.map((node, index) => (index === 3 ? {...node, children: [3]} : node))};
      writeFileSync(path.join(dir, 'cycle.cpuprofile'), JSON.stringify(cyclic));
      const cycle = await runCli(['profile', 'cycle.cpuprofile'], {cwd: dir});
      expect(cycle.exitCode).toBe(2);
      expect(cycle.stderr.trim().split('\n')).toEqual(['jest-perf-monitor: cycle.cpuprofile: node 3 is the child of two nodes']);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
