import type { Db } from '../../db/types.js';
import type { RateLimiter } from '../../http/rate-limit/types.js';

export class AdminAuth {
  constructor(
    readonly db: Db,
    readonly limiter: RateLimiter,
    readonly now: () => number,
  ) {}
}
