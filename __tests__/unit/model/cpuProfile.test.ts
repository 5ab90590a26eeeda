import {describe, expect, test} from '@jest/globals';
import {cpuProfileProblem, topFunctions} from '../../../src/model/cpuProfile';
import type {CpuProfile, CpuProfileNode} from '../../../src/model/cpuProfile';

const frame = (functionName: string, url = '', lineNumber = -1) => ({functionName, scriptId: '1', url, lineNumber, columnNumber: 0});

/** The walk per sample up its stack (the way totals were counted before): the oracle the tree walk must equal. */
function totalsPerSample(profile: CpuProfile, label: (node: CpuProfileNode) => string): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  let time = profile.startTime;
  const stamps = profile.timeDeltas.map(delta => (time += delta));
  const total = new Map<string, number>();
  for (let i = 0; i + 1 < profile.samples.length; i++) {
    const weight = stamps[i + 1] - stamps[i];
    const seen = new Set<string>();
    for (let at: number | undefined = profile.samples[i]; at !== undefined; at = parent.get(at)) {
      const key = label(byId.get(at)!);
      if (key === '(root)' || seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + weight);
    }
  }
  return total;
}

/** A random tree whose functions repeat (recursion), and random samples on it; the last sample weighs nothing. */
function randomProfile(seed: number, size: number): CpuProfile {
  let state = seed;
  const random = (n: number): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) % n);
  const nodes: CpuProfileNode[] = [{id: 1, callFrame: frame('(root)'), children: []}];
  for (let id = 2; id <= size; id++) {
    nodes.push({id, callFrame: frame(`fn${random(6)}`, 'file:///repo/a.js', random(3)), children: []});
    nodes[random(id - 1)].children!.push(id);
  }
  const samples = Array.from({length: size * 3}, () => 1 + random(size));
  return {nodes, startTime: 0, endTime: (samples.length + 1) * 1000, samples, timeDeltas: samples.map(() => 1000)};
}

describe('topFunctions', () => {
  test('totals from one walk of the tree equal the per-sample walk, recursion counted once per sample', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const profile = randomProfile(seed, 40);
      // The last sample weighs min(typical, endTime - its stamp) = 1000 µs: give the oracle the same by one more sample.
      const oracle = totalsPerSample({...profile, samples: [...profile.samples, 1], timeDeltas: [...profile.timeDeltas, 1000]}, node => `${node.callFrame.functionName}:${node.callFrame.lineNumber}`);
      for (const fn of topFunctions(profile, {rootDir: '/repo', limit: 100})) {
        const key = `${fn.functionName}:${Number(fn.location!.split(':')[1]) - 1}`;
        expect({key, totalMs: fn.totalMs}).toEqual({key, totalMs: Math.round(oracle.get(key)! / 10) / 100});
      }
    }
  });

  test('a 20,000-deep call chain with 20,000 samples: each frame\'s total, the leaf\'s self', () => {
    const depth = 20_000;
    const nodes: CpuProfileNode[] = [{id: 1, callFrame: frame('(root)'), children: [2]}];
    for (let id = 2; id <= depth + 1; id++) nodes.push({id, callFrame: frame(`f${id}`, 'file:///repo/deep.js', id), children: id <= depth ? [id + 1] : []});
    const samples = Array.from({length: depth}, (_, i) => 2 + (i % depth));
    const profile: CpuProfile = {nodes, startTime: 0, endTime: (depth + 1) * 1000, samples, timeDeltas: samples.map(() => 1000)};
    const top = topFunctions(profile, {rootDir: '/repo', limit: 3});
    // One sample per frame: 1 ms self each; the outermost frame's total is every sample.
    expect(top.every(fn => fn.selfMs === 1)).toBe(true);
    const outermost = topFunctions(profile, {rootDir: '/repo', limit: depth}).find(fn => fn.functionName === 'f2')!;
    expect(outermost.totalMs).toBe(depth);
  });
});

describe('cpuProfileProblem: nonsense refused in one phrase', () => {
  const base: CpuProfile = {
    nodes: [{id: 1, callFrame: frame('(root)'), children: [2]}, {id: 2, callFrame: frame('f', 'file:///a.js', 1), children: []}],
    startTime: 0,
    endTime: 3000,
    samples: [2, 2],
    timeDeltas: [1000, 1000],
  };

  test('a valid profile passes', () => {
    expect(cpuProfileProblem(base)).toBeNull();
  });

  test('negative time deltas, an end before the start, and nodes that are not a tree', () => {
    expect(cpuProfileProblem({...base, timeDeltas: [1000, -5000]})).toBe('timeDeltas[1] is negative (-5000): samples out of time order');
    expect(cpuProfileProblem({...base, endTime: -1})).toBe('endTime is before startTime');
    expect(cpuProfileProblem({...base, nodes: [base.nodes[0], {...base.nodes[1], children: [2]}]})).toBe('node 2 is the child of two nodes');
    expect(cpuProfileProblem({...base, nodes: [{...base.nodes[0], children: [2, 9]}, base.nodes[1]]})).toBe('node 1: a child 9 that is no node');
    const cycle = [base.nodes[0], {...base.nodes[1], children: [3]}, {id: 3, callFrame: frame('g', 'file:///a.js', 2), children: []}, {id: 4, callFrame: frame('h'), children: [5]}, {id: 5, callFrame: frame('i'), children: [4]}];
    expect(cpuProfileProblem({...base, nodes: cycle})).toBe('its nodes form a cycle');
    expect(cpuProfileProblem({...base, nodes: [...base.nodes, base.nodes[1]]})).toBe('two nodes with one id');
  });
});
