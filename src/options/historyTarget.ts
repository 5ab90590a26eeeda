/**
 * What a `history` value names. Here, below both the options and the history stores, because both ask: the options
 * to validate and resolve the value, the stores to open it.
 */

/** `postgres://` or `postgresql://`: the history is on a PostgreSQL server; anything else is a SQLite file. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value.trim());
}

/**
 * A `postgres://` URL that names a server: a host, or a socket directory (`postgres://user:pw@/db?host=/tmp`, which
 * `new URL` refuses and pg reads, as the CLI does, with its empty host).
 */
export function isPostgresTarget(value: string): boolean {
  const trimmed = value.trim();
  try {
    const url = new URL(trimmed);
    return url.hostname !== '' || (url.searchParams.get('host') ?? '') !== '';
  } catch {
    // pg's own way with an empty host after credentials (pg-connection-string): a placeholder host.
    try {
      const url = new URL(trimmed.replace('@/', '@placeholder/'));
      return (url.searchParams.get('host') ?? '') !== '' || /^postgres(ql)?:\/\/[^/?#]*@\/[^/?#]+/i.test(trimmed);
    } catch {
      return false;
    }
  }
}
