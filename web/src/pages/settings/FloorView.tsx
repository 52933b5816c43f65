/** Settings: the floor plan and services, shown read-only (edited through the configuration file). */
import { formatLocalDate } from '../../format';
import type { RestaurantConfig } from '../../types';

export function FloorView({ config }: { config: RestaurantConfig }) {
  return (
    <section className="card" aria-labelledby="floor-title">
      <h2 id="floor-title">Floor plan and services</h2>
      <p className="help">Change these in the configuration file: export it, edit it, import it below.</p>
      <div className="floor-areas">
        {config.areas.map((a) => (
          <div key={a.key} className="floor-area">
            <h3>
              {a.name} <span className="muted small mono">{a.key}</span>
            </h3>
            <ul className="floor-tables">
              {config.tables
                .filter((t) => t.area === a.key)
                .map((t) => (
                  <li key={t.key} className="floor-table" aria-label={`Table ${t.key}, ${t.minCovers} to ${t.maxCovers} covers`}>
                    <strong>{t.key}</strong>
                    <span className="small">
                      {t.minCovers}–{t.maxCovers}
                    </span>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </div>
      {config.combinations.length > 0 && (
        <p>
          Combinations:{' '}
          {config.combinations.map((c) => `${c.tables.join('+')} (${c.minCovers}–${c.maxCovers})`).join(', ')}
        </p>
      )}
      <div className="table-wrap">
        <table className="data-table compact">
          <caption>Services</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Days</th>
              <th scope="col">Hours</th>
              <th scope="col">Last seating</th>
              <th scope="col">Pacing per slot</th>
            </tr>
          </thead>
          <tbody>
            {config.services.map((s) => (
              <tr key={s.key}>
                <th scope="row">{s.name}</th>
                <td>{s.days.join(', ')}</td>
                <td>
                  {s.start}–{s.end}
                </td>
                <td>{s.lastSeating}</td>
                <td>
                  {[s.pacing?.maxCoversPerSlot && `${s.pacing.maxCoversPerSlot} covers`, s.pacing?.maxBookingsPerSlot && `${s.pacing.maxBookingsPerSlot} bookings`]
                    .filter(Boolean)
                    .join(', ') || 'no limit'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {config.events.length > 0 && (
        <p>
          Events: {config.events.map((e) => `${e.name} (${formatLocalDate(e.date)} ${e.start}, ${e.capacity} seats)`).join('; ')}
        </p>
      )}
    </section>
  );
}
