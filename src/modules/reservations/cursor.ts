/** Opaque list cursors: the (startsAt, id) position of the last row of a page, base64url-encoded JSON. */
import { errors } from '../../http/errors.js';

export function encodeCursor(startsAt: string, id: string): string {
  return Buffer.from(JSON.stringify([startsAt, id])).toString('base64url');
}

/** The position a cursor stands for; 422 validation_failed when it is not one this API issued. */
export function decodeCursor(cursor: string): { startsAt: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) && /^res_[a-z0-9]{20}$/.test(value[1])
    ) {
      return { startsAt: value[0], id: value[1] };
    }
  } catch {
    /* fall through */
  }
  throw errors.validation([{ path: 'querystring.cursor', message: 'is not a cursor returned by this list' }]);
}
