import { invalid } from './errors.ts';

export type CursorPart = string | number;

/** An opaque keyset cursor: the sort key(s) and id of the last item of a page. */
export const encodeCursor = (parts: CursorPart[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** Decodes a cursor of the given shape ('s' string, 'n' number, 'sn' either); anything else is a 400. */
export function decodeCursor(raw: string, shape: ('s' | 'n' | 'sn')[]): CursorPart[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    const fits = (v: unknown, kind: 's' | 'n' | 'sn'): boolean => (kind.includes('s') && typeof v === 'string') || (kind.includes('n') && typeof v === 'number' && Number.isFinite(v));
    if (Array.isArray(value) && value.length === shape.length && value.every((v, i) => fits(v, shape[i]!))) return value as CursorPart[];
  } catch {
    // reported below
  }
  throw invalid('invalid_cursor', 'cursor is not one this API returned', 'cursor');
}
