const {applyDiscount, cartTotal, lineTotal} = require('../src/pricing');

describe('lineTotal', () => {
  test('multiplies unit price by quantity', () => {
    expect(lineTotal({unitCents: 250, quantity: 4})).toBe(1000);
  });
  test('rejects a fractional quantity', () => {
    expect(() => lineTotal({unitCents: 250, quantity: 1.5})).toThrow(RangeError);
  });
});

describe('cartTotal', () => {
  const lines = [{unitCents: 1999, quantity: 2}, {unitCents: 500, quantity: 1}];

  test('sums the lines', () => {
    expect(cartTotal(lines)).toBe(4498);
  });
  test('applies a discount before tax', () => {
    expect(cartTotal(lines, {discountPercent: 10, taxPercent: 20})).toBe(4858);
  });
  // Deliberately wrong: the example shows how a failure looks in the report.
  test('applies the holiday discount', () => {
    expect(applyDiscount(4498, 15)).toBe(3800);
  });
});
