import {describe, expect, test} from '@jest/globals';
import {createSecretRules, REDACTED, withoutPemBodies, withoutUrlPasswords} from '../../../src/model/redactSecrets';

const rules = createSecretRules([], () => ({}));

describe('redactText: shapes found by value', () => {
  test('header lines: the value goes to the end of the line, other headers stay', () => {
    const text = 'request failed\nAuthorization: Bearer opaque-token-abc123\n  X-Api-Key: k-9f8e7d6c\nAccept: application/json\nCookie: a=1; sid=xyz';
    expect(rules.redactText(text)).toBe(`request failed\nAuthorization: ${REDACTED}\n  X-Api-Key: ${REDACTED}\nAccept: application/json\nCookie: ${REDACTED}`);
  });

  test('a hyphenated header inside a line, and a Bearer token anywhere', () => {
    expect(rules.redactText('sent X-Api-Key: k-9f8e7d6c, then gave up')).toBe(`sent X-Api-Key: ${REDACTED}, then gave up`);
    expect(rules.redactText('curl -H "authorization: Bearer abcdefghijk"')).toBe(`curl -H "authorization: Bearer ${REDACTED}"`);
    expect(rules.redactText('Bearer tokens are short-lived')).toBe('Bearer tokens are short-lived');
  });

  test('what is not a header keeps its shape: code frames, matcher lines, stack frames', () => {
    for (const text of ['  12 |   token: getToken(),', 'Expected: "x"\nReceived: "y"', '    at Object.<anonymous> (/a/b.js:1:2)', 'Content-Type: text/plain']) {
      expect(rules.redactText(text)).toBe(text);
    }
  });

  test('a URL password holding @ goes whole; a socket URL without host too', () => {
    expect(rules.redactText('postgres://carol:p@ssATSIGNPW3@db/x and https://a:b@c/d')).toBe(`postgres://carol:${REDACTED}@db/x and https://a:${REDACTED}@c/d`);
    expect(withoutUrlPasswords('postgres://ci:S3CRETPW@/perf?host=/tmp')).toBe(`postgres://ci:${REDACTED}@/perf?host=/tmp`);
    expect(withoutUrlPasswords('http://ci:GWS3CRET@host:9091')).toBe(`http://ci:${REDACTED}@host:9091`);
    expect(withoutUrlPasswords('http://host:9091/path@x')).toBe('http://host:9091/path@x');
  });
});

describe('withoutPemBodies', () => {
  test('a key body is redacted line by line, its lines kept; other text is untouched', () => {
    const source = [
      'const key = `-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEAx7PEMLINEONE0123456789',
      'Zm9vYmFyYmF6cXV4PEMLINETWO0123456789ab',
      '-----END RSA PRIVATE KEY-----`;',
      "const other = 'MIIEowIBAAKCAQEAnotakey0123456789';",
    ].join('\n');
    const out = withoutPemBodies(source);
    expect(out.split('\n')).toHaveLength(5);
    expect(out).not.toContain('PEMLINEONE');
    expect(out).not.toContain('PEMLINETWO');
    expect(out.split('\n')[1]).toBe(REDACTED);
    expect(out.split('\n')[4]).toBe(source.split('\n')[4]);
    expect(withoutPemBodies('no key here')).toBe('no key here');
  });
});
