/**
 * What a `history` value names. Here, below both the options and the history stores, because both ask: the options
 * to validate and resolve the value, the stores to open it.
 */

/** `postgres://` or `postgresql://`: the history is on a PostgreSQL server; anything else is a SQLite file. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value.trim());
}

/** A `postgres://` URL that names a host (`new URL` parses it). */
export function isPostgresTarget(value: string): boolean {
  try {
    return new URL(value.trim()).hostname !== '';
  } catch {
    return false;
  }
}
