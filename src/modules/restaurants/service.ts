/** Restaurants: resolution by id or slug. (The configuration importer/exporter lands in this module.) */
import type { Db } from '../../db/types.js';

export class RestaurantService {
  constructor(
    private readonly db: Db,
    private readonly invalidateLocal: (message: string) => void,
  ) {}

  async resolve(idOrSlug: string): Promise<{ id: string; slug: string; name: string; timezone: string; plan: string } | null> {
    const { rows } = await this.db.query('SELECT id, slug, name, timezone, plan FROM restaurants WHERE id = $1 OR slug = $1', [idOrSlug]);
    void this.invalidateLocal;
    return (rows[0] as any) ?? null;
  }
}
