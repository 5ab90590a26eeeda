import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {describeFailure} from '../../../src/environment/describeFailure';
import {CodeFrameReader} from '../../../src/environment/readCodeFrame';
import {REDACTED, serializeScope} from '../../../src/environment/serializeValue';
import {createSecretRules, isSecretName, withoutPemBodies, withoutUrlPasswords} from '../../../src/model/redactSecrets';

const ROOT = path.resolve('/project');

describe('secret redaction (model/redactSecrets)', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq2d1234567890abcdefgh\n-----END RSA PRIVATE KEY-----';
  const env = {PATH: '/usr/bin:/bin', HOME: '/home/ada', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', SHELL: '/bin/sh', LANG: 'C', DEBUG: 'true-ish-value'};
  const rules = createSecretRules(['internalId'], () => env);

  test.each([
    'password', 'userPassword', 'DB_PASSWORD', 'passwd', 'pass', 'db_pass', 'private_key', 'privateKey', 'x-api-key',
    'X-Api-Key', 'apiKey', 'APIKEY', 'api_key', 'awsKey', 'AWS_SECRET_ACCESS_KEY', 'secret', 'clientSecret', 'token',
    'accessToken', 'authorization', 'Authorization', 'auth', 'creds', 'credentials', 'cookie', 'sessionId', 'SENTRY_DSN',
    'dsn', 'conn', 'dbConn', 'connectionString', 'jwt', 'signingKey', 'encryptionKey', 'internal_id',
  ])('%s is a secret name', name => {
    expect(rules.isSecretName(name)).toBe(true);
  });

  test.each([
    'passenger', 'passengers', 'keyboard', 'monkey', 'keys', 'key', 'cacheKey', 'sortKey', 'publicKey', 'primaryKey',
    'passed', 'bypass', 'compass', 'account', 'total', 'user', 'name', 'connection', 'author', 'count',
    'PATH', 'HOME', 'description', 'secrecy',
  ])('%s is not a secret name', name => {
    expect(isSecretName(name)).toBe(false);
  });

  test.each([
    [`token ${JWT} here`, `token ${REDACTED} here`],
    [PEM, `-----BEGIN RSA PRIVATE KEY-----${REDACTED}`],
    ['cut: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq', `cut: -----BEGIN PRIVATE KEY-----${REDACTED}`],
    ['postgres://admin:s3cr3t!@db.example.com:5432/app', `postgres://admin:${REDACTED}@db.example.com:5432/app`],
    ['redis://:onlypass@cache:6379', `redis://:${REDACTED}@cache:6379`],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', REDACTED],
    ['github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz', REDACTED],
    ['xoxb-1234567890-abcdefghij', REDACTED],
    ['key sk_live_abcdefghij0123456789', `key ${REDACTED}`],
    ['AKIAIOSFODNN7EXAMPLE', REDACTED],
    ['secret is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.', `secret is ${REDACTED}.`],
    ["Thrown: { user: 'ada', password: 'hunter2', pass: 'x1' }", `Thrown: { user: 'ada', password: '${REDACTED}', pass: '${REDACTED}' }`],
    ['Object {"apiKey": "abc", "pin": 1}', `Object {"apiKey": "${REDACTED}", "pin": 1}`],
    ["const password = 'hunter2';", `const password = '${REDACTED}';`],
    ['https://x.test/?token=abc123&page=2', `https://x.test/?token=${REDACTED}&page=2`],
  ])('%s is redacted', (text, expected) => {
    expect(rules.redactText(text)).toBe(expected);
  });

  test.each([
    'https://example.com/path?q=1',
    'postgres://db.example.com:5432/app',
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'expected 3 passengers, got 2',
    'const token = getToken();',
    'password: true',
    'if (token === other) return;',
    'See http://localhost:3000/@user for details',
  ])('%s is left alone', text => {
    expect(rules.redactText(text)).toBe(text);
  });

  test('known values captured by name are redacted from texts, and environment values only when long', () => {
    expect(rules.redactText('expected "hunter2" to be "x"', ['hunter2'])).toBe(`expected "${REDACTED}" to be "x"`);
    expect(rules.redactText('debug C')).toBe('debug C');
    expect(rules.isSecretValue(env.AWS_SECRET_ACCESS_KEY)).toBe(true);
    expect(rules.isSecretValue(env.DEBUG)).toBe(false);
  });

  test('serializeScope: secret names and values, an environment copy shown by its keys', () => {
    const limits = {maxDepth: 4, extractClasses: true, secrets: rules};
    const found = new Set<string>();
    const scope = {
      passenger: 'Ada', innocent: JWT, awsKey: env.AWS_SECRET_ACCESS_KEY, copy: {...env}, hasPassword: true,
      config: {url: 'mysql://root:toor@localhost/db', private_key: PEM, nested: {creds: {user: 'u', p: 'q'}}},
      aliased: env.AWS_SECRET_ACCESS_KEY, keys: ['a'], long: `${'x'.repeat(495)}${JWT}`,
    };
    const out = serializeScope(scope, limits, undefined, found);
    expect(out).toEqual({
      passenger: 'Ada', innocent: REDACTED, awsKey: REDACTED, hasPassword: true,
      copy: Object.fromEntries(Object.keys(env).map(key => [key, REDACTED])),
      config: {url: `mysql://root:${REDACTED}@localhost/db`, private_key: REDACTED, nested: {creds: REDACTED}},
      aliased: REDACTED, keys: ['a'], long: `${'x'.repeat(495)}[reda… [${495 + JWT.length} chars]`,
    });
    expect([...found].sort()).toEqual([PEM, env.AWS_SECRET_ACCESS_KEY].sort());
  });

  test('describeFailure: a thrown object and a message lose their secrets, the user\'s names still apply', () => {
    const context = {rootDir: ROOT, mode: 'profile' as const, skipInternalFrames: true, codeFrames: new CodeFrameReader(), trace: null, secrets: rules};
    class Problem {
      constructor(public password: string, public detail: {internalId: number; code: string}) {}
    }
    const thrown = describeFailure([{password: 'hunter2', nested: {token: 'abc', ok: 1}}], 'test', context);
    expect(thrown.message).toBe(`Thrown: { password: '${REDACTED}', nested: { token: '${REDACTED}', ok: 1 } }`);
    const instance = describeFailure([new Problem('hunter2', {internalId: 7, code: 'E1'})], 'test', context);
    expect(instance.message).toBe(`Thrown: Problem { password: '${REDACTED}', detail: { internalId: '${REDACTED}', code: 'E1' } }`);
    const error = new Error(`cannot connect to postgres://admin:hunter2@db/app with ${JWT}`);
    const described = describeFailure([error], 'test', context);
    expect(described.message).toBe(`cannot connect to postgres://admin:${REDACTED}@db/app with ${REDACTED}`);
    expect(described.stack).not.toContain('hunter2');
    expect(described.stack).not.toContain(JWT);
  });
});

const valueRules = createSecretRules([], () => ({}));

describe('redactText: shapes found by value', () => {
  test('header lines: the value goes to the end of the line, other headers stay', () => {
    const text = 'request failed\nAuthorization: Bearer opaque-token-abc123\n  X-Api-Key: k-9f8e7d6c\nAccept: application/json\nCookie: a=1; sid=xyz';
    expect(valueRules.redactText(text)).toBe(`request failed\nAuthorization: ${REDACTED}\n  X-Api-Key: ${REDACTED}\nAccept: application/json\nCookie: ${REDACTED}`);
  });

  test('a hyphenated header inside a line, and a Bearer token anywhere', () => {
    expect(valueRules.redactText('sent X-Api-Key: k-9f8e7d6c, then gave up')).toBe(`sent X-Api-Key: ${REDACTED}, then gave up`);
    expect(valueRules.redactText('curl -H "authorization: Bearer abcdefghijk"')).toBe(`curl -H "authorization: Bearer ${REDACTED}"`);
    expect(valueRules.redactText('Bearer tokens are short-lived')).toBe('Bearer tokens are short-lived');
  });

  test('what is not a header keeps its shape: code frames, matcher lines, stack frames', () => {
    for (const text of ['  12 |   token: getToken(),', 'Expected: "x"\nReceived: "y"', '    at Object.<anonymous> (/a/b.js:1:2)', 'Content-Type: text/plain']) {
      expect(valueRules.redactText(text)).toBe(text);
    }
  });

  test('a URL password holding @ goes whole; a socket URL without host too', () => {
    expect(valueRules.redactText('postgres://carol:p@ssATSIGNPW3@db/x and https://a:b@c/d')).toBe(`postgres://carol:${REDACTED}@db/x and https://a:${REDACTED}@c/d`);
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
