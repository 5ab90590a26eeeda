/** Prices in integer cents, so that sums never drift. */
function lineTotal({unitCents, quantity}) {
  if (!Number.isInteger(unitCents) || unitCents < 0) throw new RangeError(`bad unit price: ${unitCents}`);
  if (!Number.isInteger(quantity) || quantity < 1) throw new RangeError(`bad quantity: ${quantity}`);
  return unitCents * quantity;
}

function applyDiscount(cents, percent) {
  return Math.round(cents * (1 - percent / 100));
}

function cartTotal(lines, {discountPercent = 0, taxPercent = 0} = {}) {
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const discounted = applyDiscount(subtotal, discountPercent);
  return Math.round(discounted * (1 + taxPercent / 100));
}

module.exports = {lineTotal, applyDiscount, cartTotal};
