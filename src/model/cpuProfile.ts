/**
 * V8 CPU profiles (the `.cpuprofile` format that Chrome DevTools, VS Code and speedscope read): cutting one test's
 * samples out of a file's profile, and the functions that cost the most. Pure: the worker, the reporter and the CLI
 * share it.
 */
import * as path from 'path';
import {fileURLToPath} from 'url';
import {moduleName} from './moduleName';
import type {ProfileFunction} from './types';

export interface CpuProfileCallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based. */
  lineNumber: number;
  /** 0-based. */
  columnNumber: number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CpuProfileCallFrame;
  hitCount?: number;
  children?: number[];
  positionTicks?: unknown[];
}

/** `Profiler.Profile` of the DevTools protocol. Times are microseconds on V8's monotonic clock. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  /** Node id of each sample. */
  samples: number[];
  /** Microseconds since the previous sample (the first: since `startTime`). */
  timeDeltas: number[];
}

/** A span of time on the profile's clock, microseconds, end excluded. */
export interface ProfileWindow {
  startUs: number;
  endUs: number;
}

/**
 * The samples of `profile` taken inside `windows` (sorted or not; a test's setup, call and teardown, or its whole
 * attempt), as a valid profile of its own: only the nodes its samples reach and their ancestors, hit counts
 * recounted, `startTime`/`endTime` the first window's start and the last window's end. Null when no sample falls
 * inside.
 */
export function sliceProfile(profile: CpuProfile, windows: readonly ProfileWindow[]): CpuProfile | null {
  if (windows.length === 0) return null;
  const sorted = [...windows].sort((a, b) => a.startUs - b.startUs);
  const startTime = sorted[0].startUs;
  const endTime = Math.max(...sorted.map(window => window.endUs));
  const samples: number[] = [];
  const timestamps: number[] = [];
  let time = profile.startTime;
  let w = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    while (w < sorted.length && sorted[w].endUs <= time) w++;
    if (w >= sorted.length) break;
    if (time < sorted[w].startUs) continue;
    samples.push(profile.samples[i]);
    timestamps.push(time);
  }
  if (samples.length === 0) return null;

  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const hits = new Map<number, number>();
  for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const kept = new Set<number>();
  for (const id of hits.keys()) {
    for (let at: number | undefined = id; at !== undefined && !kept.has(at); at = parent.get(at)) kept.add(at);
  }
  const nodes: CpuProfileNode[] = [];
  for (const node of profile.nodes) {
    if (!kept.has(node.id)) continue;
    nodes.push({id: node.id, callFrame: {...node.callFrame}, hitCount: hits.get(node.id) ?? 0, children: (node.children ?? []).filter(child => kept.has(child))});
  }
  const timeDeltas = timestamps.map((stamp, i) => Math.max(0, stamp - (i === 0 ? startTime : timestamps[i - 1])));
  return {nodes, startTime, endTime: Math.max(endTime, timestamps[timestamps.length - 1]), samples, timeDeltas};
}

/** Names V8 gives the nodes that are not a function of anyone's: kept as they are. */
const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

export const NODE_INTERNALS = '(node internals)';

/** `node_modules/@scope/pkg/…` or `node_modules/pkg/…`: the package, for folding. */
function packageOf(file: string): string | null {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return null;
  return parts[at + 1].startsWith('@') && at + 2 < parts.length ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
}

function filePathOf(url: string): string {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return url;
}

/** What a node counts as: a user function (by name and place), a package, Node's internals, or a V8 pseudo-node. */
function keyOf(frame: CpuProfileCallFrame, rootDir: string): {key: string; name: string; location: string | null} {
  const name = frame.functionName;
  if (frame.url === '' && SPECIAL.has(name)) return {key: name, name, location: null};
  if (frame.url === '' || frame.url.startsWith('node:') || frame.url.startsWith('internal/')) return {key: NODE_INTERNALS, name: NODE_INTERNALS, location: null};
  const file = filePathOf(frame.url);
  const pkg = packageOf(file);
  if (pkg !== null) return {key: `pkg:${pkg}`, name: `(node_modules: ${pkg})`, location: null};
  // Named as import costs name modules: relative to rootDir, `../` outside it, never an absolute path.
  const location = `${path.isAbsolute(file) ? moduleName(rootDir, file) : file}:${frame.lineNumber + 1}`;
  const shown = name === '' ? '(anonymous)' : name;
  return {key: `${shown}@${location}:${frame.columnNumber}`, name: shown, location};
}

/**
 * The functions with the most self time: user functions by name and `file:line` (relative to `rootDir`), each
 * `node_modules` package folded into one entry, Node's internals into another, and V8's `(idle)`, `(program)` and
 * `(garbage collector)` as they are. A sample weighs the time until the next one (the last: until `endTime`, at
 * most the median interval), as DevTools counts it. Total time counts each sample once per entry on its stack.
 */
export function topFunctions(profile: CpuProfile, options: {rootDir: string; limit?: number}): ProfileFunction[] {
  const limit = options.limit ?? 5;
  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  const keys = new Map<number, ReturnType<typeof keyOf>>();
  const keyFor = (id: number): ReturnType<typeof keyOf> | null => {
    let key = keys.get(id);
    if (key === undefined) {
      const node = byId.get(id);
      if (node === undefined) return null;
      key = keyOf(node.callFrame, options.rootDir);
      keys.set(id, key);
    }
    return key;
  };
  const deltas = profile.timeDeltas;
  const sortedDeltas = deltas.slice(1).sort((a, b) => a - b);
  const typical = sortedDeltas.length > 0 ? sortedDeltas[Math.floor(sortedDeltas.length / 2)] : 1000;
  let time = profile.startTime;
  const stamps = deltas.map(delta => (time += delta));
  // Each sample's weight goes to its node once: O(samples). A weight is never negative, whatever the file says.
  const weights = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const weightUs = Math.max(0, i + 1 < stamps.length ? stamps[i + 1] - stamps[i] : Math.min(typical, profile.endTime - stamps[i]));
    weights.set(profile.samples[i], (weights.get(profile.samples[i]) ?? 0) + weightUs);
  }
  const self = new Map<string, number>();
  const info = new Map<string, {name: string; location: string | null}>();
  for (const [id, weightUs] of weights) {
    const leaf = keyFor(id);
    if (leaf === null) continue;
    self.set(leaf.key, (self.get(leaf.key) ?? 0) + weightUs);
    info.set(leaf.key, leaf);
  }
  const total = totalsByKey(profile, weights, keyFor);
  const round = (us: number): number => Math.round(us / 10) / 100;
  return [...self.entries()]
    .filter(([key]) => key !== '(root)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, selfUs]) => ({functionName: info.get(key)!.name, location: info.get(key)!.location, selfMs: round(selfUs), totalMs: round(Math.max(selfUs, total.get(key) ?? selfUs))}));
}

/**
 * Total time per entry: the weight of the subtree under each node where its entry first appears on the path from
 * the root (a recursive function, or a package calling itself, counts once per sample). One depth-first walk of the
 * tree, O(nodes): walking each sample's stack instead costs O(depth × samples). Nodes no root reaches (a cycle in a
 * damaged file) are left out.
 */
function totalsByKey(profile: CpuProfile, weights: ReadonlyMap<number, number>, keyFor: (id: number) => {key: string} | null): Map<string, number> {
  const children = new Map<number, number[]>();
  const hasParent = new Set<number>();
  for (const node of profile.nodes) {
    children.set(node.id, node.children ?? []);
    for (const child of node.children ?? []) hasParent.add(child);
  }
  const total = new Map<string, number>();
  const onPath = new Map<string, number>();
  const subtree = new Map<number, number>();
  const visited = new Set<number>();
  // [id, entered]: a node is pushed to be entered, and again to be left once its children are done.
  const stack: Array<[number, boolean]> = [];
  for (const node of profile.nodes) if (!hasParent.has(node.id)) stack.push([node.id, false]);
  while (stack.length > 0) {
    const [id, entered] = stack.pop()!;
    const key = keyFor(id)?.key ?? null;
    if (!entered) {
      if (visited.has(id)) continue;
      visited.add(id);
      if (key !== null) onPath.set(key, (onPath.get(key) ?? 0) + 1);
      stack.push([id, true]);
      for (const child of children.get(id) ?? []) if (!visited.has(child)) stack.push([child, false]);
      continue;
    }
    let sum = weights.get(id) ?? 0;
    for (const child of children.get(id) ?? []) sum += subtree.get(child) ?? 0;
    subtree.set(id, sum);
    if (key === null) continue;
    const depth = onPath.get(key)! - 1;
    onPath.set(key, depth);
    // The topmost node of its entry on this path: its subtree's samples count for the entry once.
    if (depth === 0 && key !== '(root)') total.set(key, (total.get(key) ?? 0) + sum);
  }
  return total;
}

/** Why a parsed value is not a usable `.cpuprofile`, or null when it is. */
export function cpuProfileProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const profile = value as Partial<CpuProfile>;
  if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples) || !Array.isArray(profile.timeDeltas)) return 'no nodes, samples and timeDeltas: not a .cpuprofile';
  if (typeof profile.startTime !== 'number' || typeof profile.endTime !== 'number') return 'no startTime and endTime: not a .cpuprofile';
  if (profile.samples.length !== profile.timeDeltas.length) return 'samples and timeDeltas differ in length';
  if (!profile.timeDeltas.every(delta => typeof delta === 'number' && Number.isFinite(delta))) return 'a time delta that is not a number';
  const negative = profile.timeDeltas.findIndex(delta => delta < 0);
  if (negative >= 0) return `timeDeltas[${negative}] is negative (${profile.timeDeltas[negative]}): samples out of time order`;
  if (profile.endTime < profile.startTime) return 'endTime is before startTime';
  const ids = new Set<number>();
  for (const node of profile.nodes as unknown[]) {
    const candidate = node as Partial<CpuProfileNode> | null;
    if (typeof candidate?.id !== 'number' || typeof candidate.callFrame !== 'object' || candidate.callFrame === null) return 'a node without id or callFrame';
    const frame = candidate.callFrame as Partial<CpuProfileCallFrame>;
    if (typeof frame.functionName !== 'string' || typeof frame.url !== 'string' || typeof frame.lineNumber !== 'number' || typeof frame.columnNumber !== 'number') {
      return `node ${candidate.id}: a callFrame without functionName, url, lineNumber and columnNumber`;
    }
    if (candidate.children !== undefined && !(Array.isArray(candidate.children) && candidate.children.every(child => typeof child === 'number'))) return `node ${candidate.id}: children that are not node ids`;
    ids.add(candidate.id);
  }
  if (!profile.samples.every(id => ids.has(id))) return 'a sample names no node';
  return treeProblem(profile.nodes as CpuProfileNode[], ids);
}

/** Why the nodes do not form a tree (a child that is no node, a node with two parents, a cycle), or null. */
function treeProblem(nodes: readonly CpuProfileNode[], ids: ReadonlySet<number>): string | null {
  if (ids.size !== nodes.length) return 'two nodes with one id';
  const parentOf = new Map<number, number>();
  for (const node of nodes) {
    for (const child of node.children ?? []) {
      if (!ids.has(child)) return `node ${node.id}: a child ${child} that is no node`;
      if (parentOf.has(child)) return `node ${child} is the child of two nodes`;
      parentOf.set(child, node.id);
    }
  }
  // With one parent each, a node no root reaches is on a cycle.
  const byId = new Map(nodes.map(node => [node.id, node]));
  const stack = nodes.filter(node => !parentOf.has(node.id)).map(node => node.id);
  let reached = 0;
  while (stack.length > 0) {
    reached++;
    for (const child of byId.get(stack.pop()!)!.children ?? []) stack.push(child);
  }
  return reached === nodes.length ? null : 'its nodes form a cycle';
}
