const {buildReport} = require('../src/buildReport');

test('builds a report over one million orders', () => {
  const report = buildReport(1_000_000);
  expect(report).toEqual({orders: 1_000_000, skus: 500, revenueCents: expect.any(Number)});
});

test('builds a small report', () => {
  expect(buildReport(100).orders).toBe(100);
});
