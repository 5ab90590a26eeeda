/**
 * The generated suites the benchmark runs (SPEC section 7). Each generator writes a directory of test files and
 * says how many tests it holds and which exit code Jest must return.
 */
const fs = require('fs');
const path = require('path');

function fresh(dir) {
  fs.rmSync(dir, {recursive: true, force: true});
  fs.mkdirSync(dir, {recursive: true});
}

/**
 * Trivial: 5,000 tests in 50 files, each with a beforeEach and an afterEach. The tests do nearly nothing, so
 * everything measured is per-test overhead: Jest's, the floor's and ours.
 */
function trivial(dir, {files = 50, testsPerFile = 100} = {}) {
  fresh(dir);
  for (let f = 0; f < files; f++) {
    const body = [
      `let value;`,
      `beforeEach(() => { value = ${f}; });`,
      `afterEach(() => { value = undefined; });`,
      `describe('file ${f}', () => {`,
      ...Array.from({length: testsPerFile}, (_, t) => `  test('test ${t}', () => { expect(value + ${t}).toBe(${f + t}); });`),
      `});`,
    ];
    fs.writeFileSync(path.join(dir, `trivial${f}.test.js`), `${body.join('\n')}\n`);
  }
  return {tests: files * testsPerFile, files, exitCode: 0};
}

/**
 * Realistic: about 500 tests in 25 files that do what application tests do. In each file, tests cycle through
 * async file I/O (write JSON, read it back), timers (a few ms of waiting), moderate allocation (tens of thousands
 * of small objects), CPU work (sorting and hashing) and a mix of awaits; the first file also has two slow tests of
 * real work. In all, a few hundred ms of real work spread over the suite, plus the waiting.
 */
function realistic(dir, {files = 25, testsPerFile = 20} = {}) {
  fresh(dir);
  for (let f = 0; f < files; f++) {
    const tests = [];
    for (let t = 0; t < testsPerFile; t++) {
      const title = `case ${t}`;
      switch (t % 5) {
        case 0:
          tests.push(
            `  test('${title}: saves and reloads a document', async () => {`,
            `    const doc = makeOrders(${100 + t * 5});`,
            `    const file = path.join(dir, 'doc${t}.json');`,
            `    await fsp.writeFile(file, JSON.stringify(doc));`,
            `    const back = JSON.parse(await fsp.readFile(file, 'utf8'));`,
            `    expect(back).toHaveLength(doc.length);`,
            `    expect(back[3]).toEqual(doc[3]);`,
            `  });`,
          );
          break;
        case 1:
          tests.push(
            `  test('${title}: retries after a delay', async () => {`,
            `    let attempts = 0;`,
            `    const flaky = () => new Promise((resolve, reject) => setTimeout(() => (++attempts < 3 ? reject(new Error('busy')) : resolve(attempts)), ${1 + (t % 3)}));`,
            `    let result;`,
            `    while (result === undefined) result = await flaky().catch(() => undefined);`,
            `    expect(result).toBe(3);`,
            `  });`,
          );
          break;
        case 2:
          tests.push(
            `  test('${title}: indexes a catalogue', () => {`,
            `    const index = new Map();`,
            `    for (const order of makeOrders(${2000 + t * 10})) index.set(order.id, order);`,
            `    expect(index.size).toBe(${2000 + t * 10});`,
            `  });`,
          );
          break;
        case 3:
          tests.push(
            `  test('${title}: ranks and fingerprints orders', () => {`,
            `    expect(fingerprint(makeOrders(${300 + t * 5}))).toMatch(/^[0-9a-f]{64}$/);`,
            `  });`,
          );
          break;
        default:
          tests.push(
            `  test('${title}: settles a batch', async () => {`,
            `    const results = await Promise.all(Array.from({length: 20}, (_, i) => new Promise(resolve => setImmediate(() => resolve(i * 2)))));`,
            `    expect(results.reduce((a, b) => a + b, 0)).toBe(380);`,
            `  });`,
          );
      }
    }
    if (f === 0) {
      for (const size of [20000, 30000]) {
        tests.push(`  test('a slow report over ${size} orders', () => {`, `    expect(fingerprint(makeOrders(${size}))).toHaveLength(64);`, `  });`);
      }
    }
    const body = [
      `const crypto = require('crypto');`,
      `const fsp = require('fs/promises');`,
      `const os = require('os');`,
      `const path = require('path');`,
      ``,
      `const makeOrders = n => Array.from({length: n}, (_, i) => ({id: i, customer: 'c' + (i % 97), total: (i * 7919) % 1000, lines: [i % 3, i % 5]}));`,
      `const fingerprint = orders => crypto.createHash('sha256').update(JSON.stringify([...orders].sort((a, b) => a.total - b.total || a.id - b.id))).digest('hex');`,
      ``,
      `let dir;`,
      `beforeAll(async () => { dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'jest-perf-bench-')); });`,
      `afterAll(async () => { await fsp.rm(dir, {recursive: true, force: true}); });`,
      `let clock;`,
      `beforeEach(() => { clock = Date.now(); });`,
      `afterEach(() => { expect(Date.now()).toBeGreaterThanOrEqual(clock); });`,
      ``,
      `describe('service ${f}', () => {`,
      ...tests,
      `});`,
    ];
    fs.writeFileSync(path.join(dir, `service${f}.test.js`), `${body.join('\n')}\n`);
  }
  return {tests: files * testsPerFile + 2, files, exitCode: 0};
}

/**
 * Failing: 500 tests in 50 files, one in ten failing in a helper with a few locals and a describe-scope fixture:
 * what the failure modes cost on a red run.
 */
function failing(dir, {files = 50, testsPerFile = 10} = {}) {
  fresh(dir);
  for (let f = 0; f < files; f++) {
    const body = [
      `function total(order) {`,
      `  const sum = order.items.reduce((acc, item) => acc + item.price * item.quantity, 0);`,
      `  const discounted = sum > 100 ? sum * 0.9 : sum;`,
      `  return Math.round(discounted * 100) / 100;`,
      `}`,
      `let order;`,
      `beforeEach(() => { order = {id: ${f}, items: [{price: 10, quantity: 2}, {price: 5.5, quantity: 3}]}; });`,
      `describe('orders ${f}', () => {`,
      ...Array.from({length: testsPerFile}, (_, t) => `  test('order ${t}', () => { const expected = ${t === 0 ? 99 : 36.5}; expect(total(order)).toBe(expected); });`),
      `});`,
    ];
    fs.writeFileSync(path.join(dir, `orders${f}.test.js`), `${body.join('\n')}\n`);
  }
  return {tests: files * testsPerFile, files, exitCode: 1};
}

/** The suites by name, with what `BENCH_QUICK` shrinks them to (a smoke run of the whole matrix). */
const SUITES = {
  trivial: {generate: trivial, quick: {files: 2, testsPerFile: 20}, describe: '5,000 trivial tests in 50 files (beforeEach/afterEach)'},
  realistic: {generate: realistic, quick: {files: 2, testsPerFile: 5}, describe: '502 tests in 25 files: async I/O, timers, allocation, CPU work'},
  failing: {generate: failing, quick: {files: 2, testsPerFile: 10}, describe: '500 tests in 50 files, 10% failing in a helper'},
};

module.exports = {SUITES};
