/**
 * Opaque keyset cursors for lists ordered newest first: `(receivedAt, id)`
 * encoded as base64url JSON. Shared by every store so cursors look the same.
 */
export interface CursorPosition {
  at: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  const json = JSON.stringify([position.at, position.id]);
  return btoa(json).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Returns null for anything that is not a cursor this module wrote. */
export function decodeCursor(cursor: string): CursorPosition | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return null;
  try {
    const padded = cursor.replaceAll('-', '+').replaceAll('_', '/');
    const value: unknown = JSON.parse(atob(padded));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // fall through: a malformed cursor is reported by the caller
  }
  return null;
}
