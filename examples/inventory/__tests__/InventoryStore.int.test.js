const fs = require('fs');
const os = require('os');
const path = require('path');
const {InventoryStore} = require('../src/InventoryStore');

// An integration-style test: real files, setup and teardown hooks, and some waiting.
describe('InventoryStore', () => {
  let dir;
  let store;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-'));
  });
  afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

  beforeEach(async () => {
    store = new InventoryStore(dir);
    for (let i = 0; i < 50; i++) await store.put(`sku-${i}`, {name: `Item ${i}`, stock: 10});
    // Simulates a service warming up.
    await new Promise(resolve => setTimeout(resolve, 80));
  });
  afterEach(async () => {
    await fs.promises.rm(dir, {recursive: true, force: true});
    await fs.promises.mkdir(dir);
  });

  test('reserves stock when enough is left', async () => {
    expect(await store.reserve('sku-3', 4)).toBe(true);
    expect((await store.get('sku-3')).stock).toBe(6);
  });

  test('refuses to reserve more than is left', async () => {
    expect(await store.reserve('sku-3', 11)).toBe(false);
  });

  test('lists every item', async () => {
    await new Promise(resolve => setTimeout(resolve, 150));
    expect(await store.all()).toHaveLength(50);
  });
});
