#!/usr/bin/env node
/**
 * Part of `npm run build`: copies Chart.js's browser build into dist/vendor, where the HTML report inlines it from.
 * Shipping the one 210 KB file keeps chart.js (6 MB installed) out of users' dependencies. The file keeps its own
 * MIT licence header.
 */
const fs = require('fs');
const path = require('path');

const source = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
const target = path.join(__dirname, '..', 'dist', 'vendor', 'chart.umd.min.js');
fs.mkdirSync(path.dirname(target), {recursive: true});
fs.copyFileSync(source, target);
