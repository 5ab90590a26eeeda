const fs = require('fs/promises');
const path = require('path');

/** A tiny file-backed store: one JSON file per SKU, like a slow external service would be in real tests. */
class InventoryStore {
  constructor(dir) {
    this.dir = dir;
  }

  async put(sku, item) {
    await fs.writeFile(path.join(this.dir, `${sku}.json`), JSON.stringify(item));
  }

  async get(sku) {
    try {
      return JSON.parse(await fs.readFile(path.join(this.dir, `${sku}.json`), 'utf8'));
    } catch (error) {
      if (error.code === 'ENOENT') return null;
      throw error;
    }
  }

  async reserve(sku, quantity) {
    const item = await this.get(sku);
    if (!item) throw new Error(`unknown SKU ${sku}`);
    if (item.stock < quantity) return false;
    await this.put(sku, {...item, stock: item.stock - quantity});
    return true;
  }

  async all() {
    const names = await fs.readdir(this.dir);
    return Promise.all(names.map(name => this.get(path.basename(name, '.json'))));
  }
}

module.exports = {InventoryStore};
