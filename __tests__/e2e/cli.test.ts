/**
 * The `jest-perf-monitor` CLI, spawned from its built bin on files a real Jest run wrote (SPEC section 6).
 */
import {beforeAll, describe, expect, test} from '@jest/globals';
import {lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'fs';
import * as path from 'path';
import {parse as parseYaml} from 'yaml';
import type {MetricsDocument} from '../../src/model/toSchema';
import {FORMATS} from '../../src/options/types';
import {fifoWithReader, MAJORS, runCli, runJest} from '../harness/runJest';
import type {JestRun} from '../harness/runJest';

/** Text with every number replaced, and the numbers apart: two summaries may differ in a last rounded digit only. */
function split(text: string): {words: string; numbers: number[]} {
  const numbers: number[] = [];
  const words = text.replace(/-?\d+(\.\d+)?/g, match => {
    numbers.push(Number(match));
    return '#';
  });
  return {words, numbers};
}

describe('jest-perf-monitor CLI', () => {
  let run: JestRun;
  let metricsFile: string;
  beforeAll(async () => {
    run = await runJest('formats', {major: MAJORS[0]});
    metricsFile = path.join(run.dir, 'performance_metrics.json');
  });

  test('summary prints what the reporter printed after the run', async () => {
    const cli = await runCli(['summary', 'performance_metrics.json'], {cwd: run.dir});
    expect(cli.exitCode).toBe(0);
    expect(cli.stderr).toBe('');
    const printed = run.stderr.slice(run.stderr.indexOf('jest-perf-monitor: 15 tests'), run.stderr.indexOf('Reports written:'));
    expect(printed.length).toBeGreaterThan(200);
    const ours = split(cli.stdout);
    const reporters = split(printed);
    expect(ours.words).toBe(reporters.words);
    // The file keeps microseconds and 1/1000 MiB; the summary prints 0.1 ms and 0.1 MiB.
    ours.numbers.forEach((value, index) => expect(Math.abs(value - reporters.numbers[index])).toBeLessThanOrEqual(0.1 + 1e-9));
  });

  test('report --output follows a symlink (its target replaced) and writes through a FIFO with a reader', async () => {
    const dir = path.join(run.dir, 'special');
    mkdirSync(dir, {recursive: true});
    writeFileSync(path.join(dir, 'target.csv'), 'old');
    symlinkSync('target.csv', path.join(dir, 'link.csv'));
    const viaLink = await runCli(['report', metricsFile, '-f', 'csv', '-o', 'special/link.csv'], {cwd: run.dir});
    expect(viaLink).toMatchObject({exitCode: 0, stderr: '', stdout: ''});
    expect(lstatSync(path.join(dir, 'link.csv')).isSymbolicLink()).toBe(true);
    const csv = readFileSync(path.join(dir, 'target.csv'), 'utf8');
    expect(csv).toMatch(/^id,/);
    expect(readdirSync(dir).sort()).toEqual(['link.csv', 'target.csv']);

    const reader = fifoWithReader(path.join(dir, 'pipe.csv'));
    try {
      const viaFifo = await runCli(['report', metricsFile, '-f', 'csv', '-o', 'special/pipe.csv'], {cwd: run.dir});
      expect(viaFifo).toMatchObject({exitCode: 0, stderr: '', stdout: ''});
      expect(await reader.read()).toBe(csv);
      expect(lstatSync(path.join(dir, 'pipe.csv')).isFIFO()).toBe(true);
    } finally {
      reader.stop();
    }
  });

  test('summary reads ./performance_metrics.json by default', async () => {
    const cli = await runCli(['summary'], {cwd: run.dir});
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toMatch(/^jest-perf-monitor: 15 tests \(10 passed, 3 failed, 2 skipped\/todo, 2 retried\)/);
  });

  test.each(FORMATS)('report --format %s writes the format from the file', async format => {
    const output = path.join(run.dir, 'cli', `out.${format}`);
    const junit = format === 'junit' ? ['--junit', '{"reportRetries": true}'] : [];
    const cli = await runCli(['report', metricsFile, '--format', format, '--output', output, ...junit], {cwd: run.dir});
    expect(cli).toMatchObject({exitCode: 0, stderr: '', stdout: ''});
    const text = readFileSync(output, 'utf8');
    const written = readFileSync(path.join(run.dir, format === 'json' ? 'performance_metrics.json' : `reports/performance_metrics${{markdown: '.md', junit: '.junit.xml', csv: '.csv', yaml: '.yaml', html: '.html', ctrf: '.ctrf.json', prometheus: '.prom', json: ''}[format]}`), 'utf8');
    // The same report as the reporter wrote, up to the last digit of figures derived from rounded ones
    // (a memory delta from rounded start and end), and the generator's own timing.
    const a = split(text);
    const b = split(written);
    expect(a.words).toBe(b.words);
    expect(a.numbers).toHaveLength(b.numbers.length);
  });

  test('report writes to standard output without --output, and --max-failures keeps the detail of the first n', async () => {
    const cli = await runCli(['report', metricsFile, '-f', 'yaml', '--max-failures', '1'], {cwd: run.dir});
    expect(cli.exitCode).toBe(0);
    const document = parseYaml(cli.stdout) as {tests: Record<string, {failure?: {captured: boolean; code_frame: string | null}}>; stats: {failures_at_limit: boolean; failures_dropped: number}};
    const failures = Object.values(document.tests).flatMap(test => (test.failure ? [test.failure] : []));
    expect(failures).toHaveLength(3);
    expect(failures.map(failure => failure.captured)).toEqual([true, false, false]);
    expect(failures[1].code_frame).toBeNull();
    expect(document.stats).toMatchObject({failures_at_limit: true});
  });

  describe('bad input: one line naming the thing, exit 2', () => {
    const expectOneLine = (cli: {exitCode: number | null; stderr: string; stdout: string}, pattern: RegExp): void => {
      expect(cli.exitCode).toBe(2);
      expect(cli.stdout).toBe('');
      expect(cli.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(cli.stderr).toMatch(pattern);
    };

    test('a missing file', async () => {
      expectOneLine(await runCli(['summary', 'nope.json'], {cwd: run.dir}), /^jest-perf-monitor: cannot read nope\.json: no such file$/m);
      expectOneLine(await runCli(['summary'], {cwd: path.join(run.dir, 'reports')}), /cannot read performance_metrics\.json: no such file/);
    });

    test('bad JSON', async () => {
      writeFileSync(path.join(run.dir, 'broken.json'), '{"schema_version": 1, "tests": {');
      expectOneLine(await runCli(['report', 'broken.json', '-f', 'csv'], {cwd: run.dir}), /^jest-perf-monitor: broken\.json is not valid JSON: /);
      // V8 quotes the source around the mistake, line breaks and all; the error stays one line.
      writeFileSync(path.join(run.dir, 'lines.json'), '{\n  "schema_version": 1,\n  "tests": x\n}\n');
      expectOneLine(await runCli(['summary', 'lines.json'], {cwd: run.dir}), /^jest-perf-monitor: lines\.json is not valid JSON: /);
    });

    test('a file of another schema', async () => {
      writeFileSync(path.join(run.dir, 'package.json'), JSON.stringify({name: 'not-metrics', version: '1.0.0'}));
      expectOneLine(await runCli(['summary', 'package.json'], {cwd: run.dir}), /^jest-perf-monitor: package\.json: not a jest-perf-monitor metrics file/);
      const metrics = JSON.parse(readFileSync(metricsFile, 'utf8'));
      writeFileSync(path.join(run.dir, 'future.json'), JSON.stringify({...metrics, schema_version: 99}));
      expectOneLine(await runCli(['summary', 'future.json'], {cwd: run.dir}), /^jest-perf-monitor: future\.json: schema_version 99 is newer than this jest-perf-monitor reads/);
      const damaged = JSON.parse(readFileSync(metricsFile, 'utf8'));
      delete damaged.tests['outcomes.test.js::takes a while'].memory;
      writeFileSync(path.join(run.dir, 'damaged.json'), JSON.stringify(damaged));
      expectOneLine(await runCli(['summary', 'damaged.json'], {cwd: run.dir}), /^jest-perf-monitor: damaged\.json: tests\["outcomes\.test\.js::takes a while"\]\.memory is missing$/m);
    });

    test('values no run produces: negative or absurd durations, memory, counts, in every command that reads files', async () => {
      const damaged = (edit: (metrics: MetricsDocument) => void, name: string): string => {
        const metrics = JSON.parse(readFileSync(metricsFile, 'utf8')) as MetricsDocument;
        edit(metrics);
        writeFileSync(path.join(run.dir, name), JSON.stringify(metrics));
        return name;
      };
      const negative = damaged(metrics => (metrics.tests['outcomes.test.js::takes a while'].duration = -1), 'negative.json');
      const huge = damaged(metrics => (metrics.session.duration = 1e300), 'huge.json');
      const memory = damaged(metrics => (metrics.tests['outcomes.test.js::takes a while'].memory.peak_mb = 2 ** 40), 'memory.json');
      const countOf = damaged(metrics => (metrics.stats.total_count = 1.5), 'count.json');
      const id = 'tests\\["outcomes\\.test\\.js::takes a while"\\]';
      expectOneLine(await runCli(['summary', negative], {cwd: run.dir}), new RegExp(`^jest-perf-monitor: negative\\.json: ${id}\\.duration is -1, which no run produces; allowed: seconds from 0 to a year$`, 'm'));
      expectOneLine(await runCli(['report', huge, '-f', 'csv'], {cwd: run.dir}), /^jest-perf-monitor: huge\.json: session\.duration is 1e\+300, which no run produces; allowed: seconds from 0 to a year$/m);
      expectOneLine(await runCli(['compare', metricsFile, memory], {cwd: run.dir}), new RegExp(`memory\\.json: ${id}\\.memory\\.peak_mb is 1099511627776, which no run produces; allowed: MiB from 0 to 1 PiB`));
      expectOneLine(await runCli(['merge', metricsFile, countOf, '-o', 'merged.json'], {cwd: run.dir}), /count\.json: stats\.total_count is 1\.5, which no run produces; allowed: an integer >= 0/);
    });

    test('an unknown format lists the known ones', async () => {
      expectOneLine(
        await runCli(['report', metricsFile, '--format', 'xml'], {cwd: run.dir}),
        /argument 'xml' is invalid\. Allowed choices are json, markdown, junit, csv, yaml, html, ctrf, prometheus\./,
      );
      expectOneLine(await runCli(['report', metricsFile], {cwd: run.dir}), /required option '-f, --format <format>' not specified/);
    });

    test('an unwritable output', async () => {
      mkdirSync(path.join(run.dir, 'a-directory'), {recursive: true});
      expectOneLine(await runCli(['report', metricsFile, '-f', 'csv', '-o', 'a-directory'], {cwd: run.dir}), /^jest-perf-monitor: cannot write a-directory: it is a directory$/m);
      expect(lstatSync(path.join(run.dir, 'a-directory')).isDirectory()).toBe(true);
      // A link to a directory is refused too, rather than replaced by a file.
      symlinkSync('a-directory', path.join(run.dir, 'a-directory-link'));
      expectOneLine(await runCli(['report', metricsFile, '-f', 'csv', '-o', 'a-directory-link'], {cwd: run.dir}), /^jest-perf-monitor: cannot write a-directory-link: it is a directory$/m);
      expect(lstatSync(path.join(run.dir, 'a-directory-link')).isSymbolicLink()).toBe(true);
      // Below a regular file, no directory can be made (this holds even for root, unlike permissions).
      expectOneLine(await runCli(['report', metricsFile, '-f', 'csv', '-o', 'performance_metrics.json/out.csv'], {cwd: run.dir}), /^jest-perf-monitor: cannot write performance_metrics\.json\/out\.csv: /);
    });

    test('a FIFO whose reader closes early: the write error names the path', async () => {
      mkdirSync(path.join(run.dir, 'early'), {recursive: true});
      // The HTML report (Chart.js inlined) is far larger than a pipe holds: the write after `head` exits fails.
      const reader = fifoWithReader(path.join(run.dir, 'early', 'report.html'), 1);
      try {
        expectOneLine(await runCli(['report', metricsFile, '-f', 'html', '-o', 'early/report.html'], {cwd: run.dir}), /^jest-perf-monitor: cannot write early\/report\.html: broken pipe \(its reader closed it\)$/m);
        expect(await reader.read()).toBe('<');
        expect(lstatSync(path.join(run.dir, 'early', 'report.html')).isFIFO()).toBe(true);
      } finally {
        reader.stop();
      }
    });

    test('a bad --max-failures or --junit, and an unknown command', async () => {
      expectOneLine(await runCli(['report', metricsFile, '-f', 'csv', '--max-failures', 'many'], {cwd: run.dir}), /--max-failures <n>' argument 'many' is invalid\. expected an integer >= 0/);
      expectOneLine(await runCli(['sumary'], {cwd: run.dir}), /^jest-perf-monitor: error: unknown command 'sumary' \(Did you mean summary\?\)$/m);
      expectOneLine(
        await runCli(['report', metricsFile, '-f', 'junit', '--junit', '{"titleTemplate": "{nope}"}'], {cwd: run.dir}),
        /--junit <json>' argument '\{"titleTemplate": "\{nope\}"\}' is invalid\. option "junit" got .*allowed: .*\{classname\} \{title\}/,
      );
      // Inherited names are unknown keys like any other, not Object.prototype's.
      for (const json of ['{"__proto__": {"x": 1}}', '{"constructor": "x"}', '{"toString": "x"}']) {
        expectOneLine(
          await runCli(['report', metricsFile, '-f', 'junit', '--junit', json], {cwd: run.dir}),
          /is invalid\. option "junit" has an unknown key "(__proto__|constructor|toString)"; allowed keys: suiteName, suiteNameTemplate, classNameTemplate, titleTemplate, ancestorSeparator, reportRetries/,
        );
      }
    });
  });

  test.each([[[]], [['summary']], [['report']]])('--help %j', async command => {
    const cli = await runCli([...command, '--help'], {cwd: run.dir});
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toContain(`Usage: jest-perf-monitor${command.length ? ` ${command[0]}` : ''} `);
    if (command.length === 0) expect(cli.stdout).toMatch(/summary \[file\][\s\S]*report \[options\] \[file\]/);
    if (command[0] === 'report') expect(cli.stdout).toContain('--max-failures <n>');
  });
});
