/**
 * What counts as a secret in a failure's captured variables and texts: by the name it is stored under (tokens of
 * the name, so `privateKey` and `x-api-key` match but `passenger` and `keyboard` do not) and by the shape of the
 * value (JWTs, PEM private keys, passwords in URLs, well-known token prefixes, values of secret environment
 * variables). Pure apart from reading the environment it is given, once, on first use: it runs on failures only.
 */

export const REDACTED = '[redacted]';

/** Name tokens that mark a secret wherever they stand in the name (`db_pass`, `userCreds`, `SENTRY_DSN`). */
const SECRET_TOKENS: ReadonlySet<string> = new Set([
  'password', 'passwords', 'passwd', 'pass', 'passphrase', 'passcode',
  'secret', 'secrets', 'token', 'tokens', 'apikey', 'apikeys',
  'auth', 'authorization', 'bearer', 'cookie', 'cookies', 'session', 'sessions', 'sessionid', 'jwt', 'otp', 'totp',
  'cred', 'creds', 'credential', 'credentials', 'private', 'privatekey', 'dsn', 'conn', 'connstr',
]);
/** Substrings of the whole name, separators removed, for names written without separators (`APIKEY`, `dbpassword`). */
const SECRET_SUBSTRINGS = [
  'password', 'passwd', 'secret', 'apikey', 'credential', 'privatekey', 'accesskey', 'accesstoken', 'authtoken',
  'refreshtoken', 'idtoken', 'authorization', 'passphrase', 'connectionstring', 'sessionid',
];
/** `<word> key` names that are not secrets: a cache key, a sort key, a public key. A bare `key` is none either. */
const PLAIN_KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  'cache', 'sort', 'primary', 'foreign', 'partition', 'row', 'map', 'object', 'lookup', 'group', 'index', 'route',
  'query', 'translation', 'i18n', 'react', 'unique', 'composite', 'storage', 'dedupe', 'idempotency', 'hot',
  'shortcut', 'keyboard', 'press', 'event', 'next', 'prev', 'last', 'first', 'current', 'old', 'new', 'item',
  'entry', 'field', 'column', 'prop', 'state', 'redis', 'bucket', 'file', 'path', 'lock', 'queue', 'message',
  'topic', 'public', 'hash', 'range', 'dict', 'record', 'table', 'node', 'list', 'child', 'parent', 'data',
  'meta', 'sub', 'this', 'my', 'the', 'cursor', 'page', 'order', 'label', 'name', 'type', 'test',
]);
/** `connection` is a secret only as a string or URL (`connectionString`), not as a database client object. */
const CONNECTION_FORMS: ReadonlySet<string> = new Set(['string', 'str', 'url', 'uri']);

/** Environment values shorter than this are not looked for in texts: `1` or `true` would redact everything. */
const MIN_ENV_SECRET_CHARS = 8;
/** Captured secret values shorter than this are not looked for in texts, for the same reason. */
const MIN_KNOWN_SECRET_CHARS = 4;
/** Names whose verdict is remembered: objects of one shape repeat their keys. */
const MAX_CACHED_NAMES = 2000;

/** `fooBar`, `FOO_BAR`, `x-api-key`, `APIKey` → lower-case words. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(token => token !== '');
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** The built-in name rule, plus the user's `redact` names (substrings, case and separators ignored). */
export function isSecretName(name: string, extra: readonly string[] = []): boolean {
  const tokens = nameTokens(name);
  const joined = tokens.join('');
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (SECRET_TOKENS.has(token)) return true;
    if ((token === 'key' || token === 'keys') && index > 0 && !PLAIN_KEY_QUALIFIERS.has(tokens[index - 1])) return true;
    if (token === 'connection' && index + 1 < tokens.length && CONNECTION_FORMS.has(tokens[index + 1])) return true;
  }
  for (const needle of SECRET_SUBSTRINGS) if (joined.includes(needle)) return true;
  if (extra.length > 0) {
    const normalized = normalizeName(name);
    for (const needle of extra) if (needle !== '' && normalized.includes(needle)) return true;
  }
  return false;
}

/** The password of `scheme://user:password@host` (group 1: all before it). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#'"`]*):[^\s/?#'"`]+@/gi;

/** `text` with the password of every `scheme://user:password@host` in it redacted: for URLs shown in messages. */
export function withoutUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, `$1:${REDACTED}@`);
}

const PEM_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----([\s\S]*?)(?:-----END \1-----|$)/g;
/** A run of base64 in a key's body, however the source spells the block (a template literal, joined strings, `\n`s). */
const PEM_BODY_RUN = /[A-Za-z0-9+/=]{16,}/g;

/**
 * A source file with the bodies of its PEM private keys redacted and its lines kept (so line numbers still hold):
 * a code frame of a few lines may show a key's body without its BEGIN line, which is what the text rules need.
 */
export function withoutPemBodies(source: string): string {
  if (!source.includes('PRIVATE KEY')) return source;
  return source.replace(PEM_BLOCK, (whole: string, label: string, body: string) => {
    const head = `-----BEGIN ${label}-----`;
    return `${head}${body.replace(PEM_BODY_RUN, REDACTED)}${whole.slice(head.length + body.length)}`;
  });
}

/** Value shapes that are secrets whatever their name, each replaced by `[redacted]` (URLs keep all but the password). */
const VALUE_RULES: ReadonlyArray<[RegExp, string]> = [
  // PEM private keys (RSA, EC, OpenSSH, PGP, encrypted); a cut-off block is redacted to the end of the text.
  [/-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g, `-----BEGIN $1-----${REDACTED}`],
  // JWTs: base64url header and payload, both JSON objects (`eyJ` is `{"`), and an optional signature.
  [/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/g, REDACTED],
  // `scheme://user:password@host`: only the password goes. The password runs to the authority's last `@`, as a
  // URL parser reads it, so one holding an `@` (`p@ss`) goes whole.
  [URL_PASSWORD, `$1:${REDACTED}@`],
  // `Bearer <token>` (an Authorization header or its value) wherever it stands.
  [/\b(Bearer)([ \t]+)[A-Za-z0-9._~+/-]{8,}=*/g, `$1$2${REDACTED}`],
  // Well-known token formats: GitHub, Slack, Stripe, AWS access key ids, GitLab, npm, Google API keys, OpenAI.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|[rs]k_(?:live|test)_[A-Za-z0-9]{10,}|(?:AKIA|ASIA)[A-Z0-9]{16}|glpat-[\w-]{20,}|npm_[A-Za-z0-9]{36}|AIza[\w-]{35}|sk-(?:proj-)?[A-Za-z0-9_-]{32,})\b/g, REDACTED],
];

/**
 * `name: 'value'`, `"name": "value"`, `name = "value"` in a text (a thrown object, a matcher's diff, a code frame):
 * the value goes when the name is a secret's. Unquoted values only in `name=value` (a query string, an env dump)
 * and after a quoted name (`"pin": 1234`), so code such as `const token = getToken()` keeps its shape.
 */
const QUOTED_ASSIGNMENT = /(["']?)([A-Za-z_$][\w$.-]*)\1(\s*[:=]\s*)("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)/g;
const BARE_ASSIGNMENT = /()([A-Za-z_$][\w$.-]*)(=)([^\s=,;&)}\]'"`<>][^\s,;&)}\]'"`<>]*)/g;
const QUOTED_NAME_ASSIGNMENT = /(["'])([A-Za-z_$][\w$.-]*)\1(\s*:\s*)([^\s,;)}\]'"`]+)/g;
/**
 * A header line (`Authorization: Bearer …`, `X-Api-Key: k-…`, `Cookie: a=b; c=d`): at the start of a line, a name,
 * `:`, and the value to the end of the line. Also a hyphenated header name anywhere in a line (`sent X-Api-Key: k-1`),
 * whose value ends at a space; code frames (`  12 |   token: getToken(),`) start with a line number, not a name.
 */
const HEADER_LINE = /^([ \t>*+-]*)([A-Za-z][\w-]*)([ \t]*:[ \t]*)(\S[^\r\n]*?)([ \t]*)$/gm;
const INLINE_HEADER = /()\b([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)([ \t]*:[ \t]*)([^\s,;'"`)}\]]+)()/g;
const HARMLESS_VALUE = /^(?:true|false|null|undefined|\[redacted\]|\[Object\]|\[Array\]|\[Getter\])$/;

export interface SecretRules {
  /** Whether the value stored under this key or variable name must not be shown. */
  isSecretName(name: string): boolean;
  /** Whether this whole string is a secret: the value of a secret environment variable. */
  isSecretValue(text: string): boolean;
  /** The text with every secret-shaped value, and each of `known` (secrets captured by name), redacted. */
  redactText(text: string, known?: Iterable<string>): string;
  /**
   * Whether an object with these keys is a copy of the environment (`{...process.env}`): `PATH` equal to the
   * environment's, or most of its first keys equal to environment variables. `read` gives a key's value.
   */
  isEnvironmentCopy(keys: readonly string[], read: (key: string) => unknown): boolean;
}

/**
 * Rules for one set of user `redact` names. `environment` is read once, on the first call that needs it: the
 * values of its variables whose names look secret are redacted wherever they appear.
 */
export function createSecretRules(extraNames: readonly string[], environment: () => Record<string, string | undefined>): SecretRules {
  const extra = extraNames.map(normalizeName).filter(name => name !== '');
  const verdicts = new Map<string, boolean>();
  let env: Record<string, string | undefined> | null = null;
  let envSecrets: string[] | null = null;
  // A plain copy, taken once: reading `process.env` goes through native getters, and copies of it are compared
  // key by key.
  const readEnv = (): Record<string, string | undefined> => (env ??= Object.assign(Object.create(null) as Record<string, string | undefined>, environment()));
  const secretsOfEnv = (): string[] => {
    if (envSecrets !== null) return envSecrets;
    const found = new Set<string>();
    const source = readEnv();
    for (const name of Object.keys(source)) {
      const value = source[name];
      if (typeof value === 'string' && value.length >= MIN_ENV_SECRET_CHARS && isSecretName(name, extra)) found.add(value);
    }
    // Longest first: a secret that contains another is replaced whole.
    envSecrets = [...found].sort((a, b) => b.length - a.length);
    return envSecrets;
  };

  const secretName = (name: string): boolean => {
    let verdict = verdicts.get(name);
    if (verdict === undefined) {
      verdict = isSecretName(name, extra);
      if (verdicts.size < MAX_CACHED_NAMES) verdicts.set(name, verdict);
    }
    return verdict;
  };

  return {
    isSecretName: secretName,
    isSecretValue: text => text.length >= MIN_ENV_SECRET_CHARS && secretsOfEnv().includes(text),
    redactText(text, known) {
      if (text === '') return text;
      let out = text;
      for (const [pattern, replacement] of VALUE_RULES) out = out.replace(pattern, replacement);
      const assignment = (whole: string, quote: string, name: string, separator: string, value: string): string => {
        if (!secretName(name) || HARMLESS_VALUE.test(value)) return whole;
        const quoted = /^["'`]/.test(value);
        return `${quote}${name}${quote}${separator}${quoted ? `${value[0]}${REDACTED}${value[0]}` : REDACTED}`;
      };
      out = out.replace(QUOTED_ASSIGNMENT, assignment).replace(BARE_ASSIGNMENT, assignment).replace(QUOTED_NAME_ASSIGNMENT, assignment);
      const header = (whole: string, lead: string, name: string, separator: string, value: string, trail = ''): string =>
        !secretName(name) || HARMLESS_VALUE.test(value) || value.startsWith('[redacted') || /^["'`]\[redacted\]["'`]/.test(value) ? whole : `${lead}${name}${separator}${REDACTED}${trail}`;
      out = out.replace(HEADER_LINE, header).replace(INLINE_HEADER, header);
      for (const value of secretsOfEnv()) if (out.includes(value)) out = out.split(value).join(REDACTED);
      if (known !== undefined) {
        for (const value of known) if (value.length >= MIN_KNOWN_SECRET_CHARS && out.includes(value)) out = out.split(value).join(REDACTED);
      }
      return out;
    },
    isEnvironmentCopy(keys, read) {
      if (keys.length < 3) return false;
      const source = readEnv();
      if (keys.includes('PATH') && typeof source.PATH === 'string' && read('PATH') === source.PATH) return true;
      const sampled = Math.min(keys.length, 30);
      let equal = 0;
      for (let index = 0; index < sampled; index++) {
        const key = keys[index];
        const value = source[key];
        if (value !== undefined && read(key) === value) equal++;
      }
      return equal >= 3 && equal * 2 >= sampled;
    },
  };
}
