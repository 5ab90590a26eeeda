/** Builds a sales report in memory: the kind of code that makes a test memory-hungry. */
function buildReport(orderCount) {
  const orders = [];
  for (let i = 0; i < orderCount; i++) {
    orders.push({id: `order-${i}`, sku: `sku-${i % 500}`, cents: (i * 7919) % 10000, note: `note ${i}`.repeat(4)});
  }
  const bySku = new Map();
  for (const order of orders) bySku.set(order.sku, (bySku.get(order.sku) ?? 0) + order.cents);
  return {orders: orders.length, skus: bySku.size, revenueCents: [...bySku.values()].reduce((a, b) => a + b, 0)};
}

module.exports = {buildReport};
