/**
 * `cpuProfile`: V8's sampling profiler in each worker, the samples cut by each test's window, the slowest tests'
 * `.cpuprofile` files under profiles/ and their top functions in every report; the `profile` CLI command.
 */
import {describe, expect, test} from '@jest/globals';
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'fs';
import * as path from 'path';
import {cpuProfileProblem, sliceProfile, topFunctions} from '../../src/model/cpuProfile';
import type {CpuProfile} from '../../src/model/cpuProfile';
import {CPU_PROFILE_DEFAULTS, resolveOptions} from '../../src/options/resolveOptions';
import {safeName} from '../../src/reporter/ProfileKeeper';
import {MAJORS, runCli, runJest} from '../harness/runJest';

/** Checks a profile as DevTools reads one: one root, every child and sample a known node, timestamps in order inside the span. */
function expectLoadableProfile(profile: CpuProfile): void {
  const ids = new Set(profile.nodes.map(node => node.id));
  expect(ids.size).toBe(profile.nodes.length);
  const children = profile.nodes.flatMap(node => node.children ?? []);
  for (const child of children) expect(ids.has(child)).toBe(true);
  expect(profile.nodes.filter(node => !children.includes(node.id))).toHaveLength(1);
  expect(profile.samples.length).toBe(profile.timeDeltas.length);
  for (const sample of profile.samples) expect(ids.has(sample)).toBe(true);
  let time = profile.startTime;
  for (const delta of profile.timeDeltas) {
    expect(delta).toBeGreaterThanOrEqual(0);
    time += delta;
  }
  expect(time).toBeLessThanOrEqual(profile.endTime);
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  expect(hits).toBe(profile.samples.length);
}

const readProfileFile = (dir: string, file: string): CpuProfile => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;

describe.each(MAJORS)('Jest %i', major => {
  test('the slowest tests get a .cpuprofile and top functions: the CPU-bound one names its function, the waiting one shows (idle), the ts-jest one its .ts line', async () => {
    const run = await runJest('cpu-profile', {major, args: ['--maxWorkers=2'], env: {JEST_PERF_CPU_PROFILE: '4'}});
    expect(run.exitCode).toBe(0);

    const burns = run.test('burn.test.js::burns');
    expect(burns.profile!.top[0]).toMatchObject({function: 'burnCpuForAWhile', location: 'burn.test.js:1'});
    // The samples are placed by the recorder's clock: a wrong offset would hand them to another window.
    expect(burns.profile!.top[0].self_ms).toBeGreaterThan(burns.call_time * 1000 * 0.6);

    const waits = run.test('burn.test.js::waits');
    const waitNames = waits.profile!.top.map(fn => fn.function);
    // (idle) leads on a quiet machine; on a loaded one a (garbage collector) sample can outweigh it (seen on Node 22).
    expect(waitNames.slice(0, 2)).toContain('(idle)');
    expect(waitNames).not.toContain('burnCpuForAWhile');
    expect(waitNames).not.toContain('otherWorkerBurn');

    const hot = run.test('hot.test.ts::runs a hot loop');
    expect(hot.profile!.top[0]).toMatchObject({function: 'hotTypeScriptLoop', location: 'hot.test.ts:11'});
    expect(run.test('other.test.js::burns in the other worker').profile!.top[0].function).toBe('otherWorkerBurn');
    // Four profiles asked for: the fastest test has none.
    expect(run.test('burn.test.js::quick').profile).toBeUndefined();

    const files = readdirSync(path.join(run.dir, 'profiles')).filter(name => name.endsWith('.cpuprofile'));
    expect(files).toHaveLength(4);
    for (const [suffix, entry] of Object.entries({burns, waits, hot})) {
      expect(entry.profile!.file).toMatch(/^profiles\/.+\.cpuprofile$/);
      const profile = readProfileFile(run.dir, entry.profile!.file);
      expectLoadableProfile(profile);
      // The profile spans its test: the window is the attempt's.
      expect(Math.abs((profile.endTime - profile.startTime) / 1000 - entry.duration * 1000)).toBeLessThan(suffix === 'waits' ? 5 : 20);
    }
    const waitProfile = readProfileFile(run.dir, waits.profile!.file);
    expect(waitProfile.nodes.some(node => node.callFrame.functionName === 'burnCpuForAWhile')).toBe(false);
    // Source-mapped in the saved file too: VS Code and DevTools open the .ts line.
    const hotProfile = readProfileFile(run.dir, hot.profile!.file);
    const hotNode = hotProfile.nodes.find(node => node.callFrame.functionName === 'hotTypeScriptLoop')!;
    expect(hotNode.callFrame.url).toMatch(/hot\.test\.ts$/);
    expect(hotNode.callFrame.lineNumber).toBe(10);

    expect(readFileSync(path.join(run.dir, 'probe.log'), 'utf8').trim().split('\n')).toEqual(['profiler', 'profiler', 'profiler']);
    expect(run.stderr).toContain('Where the slowest tests spent CPU');
    expect(run.stderr).toContain('burnCpuForAWhile (burn.test.js:1)');
    expect(readFileSync(path.join(run.dir, 'performance_metrics.md'), 'utf8')).toContain('`hotTypeScriptLoop (hot.test.ts:11)`');
    const html = readFileSync(path.join(run.dir, 'performance_metrics.html'), 'utf8');
    expect(html).toContain(`href="${hot.profile!.file}"`);

    // Every duration was taken under the profiler: the JSON says so, and so does every report a reader compares.
    const interval = CPU_PROFILE_DEFAULTS.samplingIntervalUs;
    expect((run.metrics() as {cpu_profile?: unknown}).cpu_profile).toEqual({sampling_interval_us: interval, tests: 4});
    const note = `Durations were taken under V8's CPU profiler (cpuProfile, sampling every ${interval >= 1000 ? `${interval / 1000} ms` : `${interval} µs`})`;
    expect(run.stderr).toContain(note);
    expect(readFileSync(path.join(run.dir, 'performance_metrics.md'), 'utf8')).toContain(`> **Note:** ${note}`);
    expect(html).toContain(note.replace(/'/g, '&#39;'));

    // The CLI: the summary of the file shows the top functions; `profile` lists a saved profile's.
    const summary = await runCli(['summary'], {cwd: run.dir});
    expect(summary.stdout).toContain('hotTypeScriptLoop (hot.test.ts:11)');
    // Read back from the file: the note survives.
    expect(summary.stdout).toContain(note);
    const cli = await runCli(['profile', burns.profile!.file], {cwd: run.dir});
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout.split('\n').find(line => line.includes('burnCpuForAWhile'))).toMatch(/burnCpuForAWhile \(burn\.test\.js:1\)\s+\d+(\.\d)? ms/);
    writeFileSync(path.join(run.dir, 'not-a-profile.json'), '{"nodes": 1}');
    const bad = await runCli(['profile', 'not-a-profile.json'], {cwd: run.dir});
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['jest-perf-monitor: not-a-profile.json: no nodes, samples and timeDeltas: not a .cpuprofile']);

    // merge into another directory: the profile paths are made relative to the merged file, and still lead to them.
    const merged = await runCli(['merge', 'performance_metrics.json', '--output', 'merged/all.json'], {cwd: run.dir});
    expect(merged.exitCode).toBe(0);
    const mergedBurns = (JSON.parse(readFileSync(path.join(run.dir, 'merged', 'all.json'), 'utf8')) as {tests: Record<string, {profile?: {file: string}}>}).tests['burn.test.js::burns'];
    expect(mergedBurns.profile!.file).toBe(`../${burns.profile!.file}`);
    expect(existsSync(path.join(run.dir, 'merged', mergedBurns.profile!.file))).toBe(true);

    // A second run keeps two profiles (`1` would mean "on"): the earlier run's files are replaced, a file of the user's stays.
    writeFileSync(path.join(run.dir, 'profiles', 'mine.cpuprofile'), '{}');
    const again = await runJest('cpu-profile', {major, args: ['--maxWorkers=2'], env: {JEST_PERF_CPU_PROFILE: '2'}, inDir: run.dir});
    expect(again.exitCode).toBe(0);
    const kept = Object.entries(again.metrics().tests).filter(([, entry]) => entry.profile !== undefined);
    // The run's two slowest, whichever they are: three tests burn ~350 ms each, so their order is the machine's.
    const slowest = Object.entries(again.metrics().tests).sort(([, a], [, b]) => b.duration - a.duration).slice(0, 2);
    expect(kept.map(([id]) => id).sort()).toEqual(slowest.map(([id]) => id).sort());
    const expected = [...kept.map(([, entry]) => path.basename(entry.profile!.file)), 'mine.cpuprofile'].sort();
    expect(readdirSync(path.join(run.dir, 'profiles')).filter(name => name.endsWith('.cpuprofile')).sort()).toEqual(expected);
  });

  test('cpuProfile off (the default): the profiler is never loaded, no profiles/ directory, no profile keys', async () => {
    const run = await runJest('cpu-profile', {major, args: ['--maxWorkers=2']});
    expect(run.exitCode).toBe(0);
    expect(existsSync(path.join(run.dir, 'profiles'))).toBe(false);
    expect(Object.values(run.metrics().tests).every(entry => entry.profile === undefined)).toBe(true);
    expect(readFileSync(path.join(run.dir, 'probe.log'), 'utf8').trim().split('\n')).toEqual(['no-profiler', 'no-profiler', 'no-profiler']);
    expect(run.stderr).not.toContain('Where the slowest tests spent CPU');
    expect((run.metrics() as {cpu_profile?: unknown}).cpu_profile).toBeUndefined();
    expect(run.stderr).not.toContain("under V8's CPU profiler");
  });
});

describe('cpuProfile pure logic', () => {
  const frame = (functionName: string, url = '', lineNumber = -1) => ({functionName, scriptId: '1', url, lineNumber, columnNumber: 0});
  // root → test fn → hot; root → (idle). Samples every 1000 µs from t=1000.
  const profile: CpuProfile = {
    nodes: [
      {id: 1, callFrame: frame('(root)'), children: [2, 4, 5]},
      {id: 2, callFrame: frame('testFn', 'file:///repo/a.test.js', 3), children: [3]},
      {id: 3, callFrame: frame('hot', 'file:///repo/src/hot.js', 9), children: []},
      {id: 4, callFrame: frame('(idle)'), children: []},
      {id: 5, callFrame: frame('describeBlock', 'file:///repo/node_modules/@jest/core/x.js', 0), children: []},
    ],
    startTime: 0,
    endTime: 11000,
    samples: [3, 3, 2, 4, 4, 3, 5, 4, 4, 4],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };

  test('sliceProfile keeps the samples of the window, the nodes they reach and their ancestors, with consistent deltas', () => {
    const sliced = sliceProfile(profile, [{startUs: 1500, endUs: 4500}])!;
    expect(sliced.samples).toEqual([3, 2, 4]);
    expect(sliced.timeDeltas).toEqual([500, 1000, 1000]);
    expect(sliced.startTime).toBe(1500);
    expect(sliced.endTime).toBe(4500);
    expect(sliced.nodes.map(node => node.id).sort()).toEqual([1, 2, 3, 4]);
    expect(sliced.nodes.find(node => node.id === 1)!.children).toEqual([2, 4]);
    expectLoadableProfile(sliced);
    expect(sliceProfile(profile, [{startUs: 20000, endUs: 30000}])).toBeNull();
  });

  test('topFunctions ranks by self time, folds node_modules by package, and gives locations relative to rootDir', () => {
    const top = topFunctions(profile, {rootDir: '/repo'});
    expect(top[0]).toEqual({functionName: '(idle)', location: null, selfMs: 5, totalMs: 5});
    expect(top[1]).toEqual({functionName: 'hot', location: 'src/hot.js:10', selfMs: 3, totalMs: 3});
    expect(top).toContainEqual({functionName: 'testFn', location: 'a.test.js:4', selfMs: 1, totalMs: 4});
    expect(top).toContainEqual({functionName: '(node_modules: @jest/core)', location: null, selfMs: 1, totalMs: 1});
  });

  test('topFunctions: a file outside rootDir is ../-relative, a damaged profile with a cycle ends, a sampleless test weighs its window', () => {
    const outside: CpuProfile = {...profile, nodes: profile.nodes.map(node => (node.id === 3 ? {...node, callFrame: frame('hot', 'file:///shared/lib/hot.js', 9)} : node))};
    expect(topFunctions(outside, {rootDir: '/repo'})).toContainEqual({functionName: 'hot', location: '../shared/lib/hot.js:10', selfMs: 3, totalMs: 3});
    const cyclic: CpuProfile = {...profile, nodes: profile.nodes.map(node => (node.id === 3 ? {...node, children: [3, 2]} : node))};
    expect(topFunctions(cyclic, {rootDir: '/repo'}).length).toBeGreaterThan(0);
    expect(cpuProfileProblem({...profile, timeDeltas: profile.timeDeltas.map((d, i) => (i === 0 ? 'a' : d))})).toBe('a time delta that is not a number');
    expect(cpuProfileProblem({...profile, nodes: [{id: 1, callFrame: {}}, ...profile.nodes.slice(1)]})).toMatch(/^node 1: a callFrame without/);
    expect(cpuProfileProblem({...profile, nodes: [{...profile.nodes[0], children: 5}, ...profile.nodes.slice(1)]})).toBe('node 1: children that are not node ids');
  });

  test('option cpuProfile: true, an object, or the env var (on, off, a number of tests); bad values fail in one line', () => {
    const resolve = (raw: unknown, env: NodeJS.ProcessEnv = {}) => resolveOptions(raw, {rootDir: '/r', isCI: false, env}).cpuProfile;
    expect(resolve({})).toBeNull();
    expect(resolve({cpuProfile: true})).toEqual({tests: 10, samplingIntervalUs: 10000});
    expect(resolve({cpuProfile: {tests: 3}})).toEqual({tests: 3, samplingIntervalUs: 10000});
    expect(resolve({}, {JEST_PERF_CPU_PROFILE: '1'})).toEqual({tests: 10, samplingIntervalUs: 10000});
    expect(resolve({}, {JEST_PERF_CPU_PROFILE: '25'})).toEqual({tests: 25, samplingIntervalUs: 10000});
    expect(resolve({cpuProfile: true}, {JEST_PERF_CPU_PROFILE: 'false'})).toBeNull();
    // The env var turns on what the config describes; a number replaces only the number of tests.
    expect(resolve({cpuProfile: {tests: 25, samplingIntervalUs: 2000}}, {JEST_PERF_CPU_PROFILE: '1'})).toEqual({tests: 25, samplingIntervalUs: 2000});
    expect(resolve({cpuProfile: {tests: 25, samplingIntervalUs: 2000}}, {JEST_PERF_CPU_PROFILE: '4'})).toEqual({tests: 4, samplingIntervalUs: 2000});
    expect(() => resolve({cpuProfile: {tests: 0}})).toThrow(/^jest-perf-monitor: option "cpuProfile" got \{"tests":0\}; allowed: true, false, or \{tests\?/);
    expect(() => resolve({cpuProfile: {every: 1}})).toThrow('option "cpuProfile" has an unknown key "every"; allowed keys: tests, samplingIntervalUs');
    expect(() => resolve({}, {JEST_PERF_CPU_PROFILE: 'yes'})).toThrow(/JEST_PERF_CPU_PROFILE="yes" is not valid for option "cpuProfile"/);
  });

  test('profile file names are filesystem-safe, bounded and unique per id', () => {
    const name = safeName('src/a b.test.ts::describe > it / does: "this"');
    expect(name).toMatch(/^src_a_b.test.ts_describe_it_does_this-[0-9a-f]{8}\.cpuprofile$/);
    expect(safeName('x'.repeat(500)).length).toBeLessThanOrEqual(80 + 20);
    expect(safeName('a/b')).not.toBe(safeName('a:b'));
    expect(safeName('../..')).toMatch(/^test-[0-9a-f]{8}\.cpuprofile$/);
  });
});
