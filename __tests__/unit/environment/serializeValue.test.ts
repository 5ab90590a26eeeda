import {describe, expect, test} from '@jest/globals';
import {REDACTED, serializeScope, serializeValue} from '../../../src/environment/serializeValue';
import {createSecretRules} from '../../../src/model/redactSecrets';

describe('serializeScope', () => {
  const limits = {maxDepth: 3, extractClasses: true, secrets: createSecretRules([], () => ({}))};

  test('never runs user code: getters and proxies are named, not read', () => {
    let reads = 0;
    const withGetter = {get expensive() {
      reads++;
      return 1;
    }};
    const proxy = new Proxy({}, {ownKeys: () => {
      reads++;
      return [];
    }});
    expect(serializeScope({withGetter, proxy}, limits)).toEqual({withGetter: {expensive: '[Getter]'}, proxy: '[Proxy]'});
    expect(reads).toBe(0);
  });

  test('redacts keys at every level, in arrays and maps too, and skips functions in scope', () => {
    const scope = {userPassword: 'a', list: [{token: 'b', ok: 1}], map: new Map([['Token', 'c']]), helper() {}};
    expect(serializeScope(scope, limits)).toEqual({
      userPassword: REDACTED,
      list: [{token: REDACTED, ok: 1}],
      map: {__class__: 'Map', size: 1, entries: [['Token', REDACTED]]},
    });
  });

  test('shows other values in plain JSON, bounded', () => {
    class Point {
      constructor(public x: number) {}
    }
    const value = serializeValue(
      [new Date(0), /a+/g, 10n, Symbol('s'), undefined, NaN, new Set([1]), new Point(1), new TypeError('bad'), new Uint8Array(4), {a: {b: {c: {d: 1}}}}],
      limits,
    );
    expect(value).toEqual([
      '1970-01-01T00:00:00.000Z', '/a+/g', '10n', 'Symbol(s)', '[undefined]', 'NaN', {__class__: 'Set', size: 1, values: [1]},
      {__class__: 'Point', x: 1}, '[TypeError: bad]', '[Uint8Array(4 bytes)]', {a: {b: '[Object]'}},
    ]);
    expect(serializeValue(new Point(2), {...limits, extractClasses: false})).toBe('[Point]');
  });
});
