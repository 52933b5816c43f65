/** Settings: the restaurant's profile (name, contact, address, time zone…). */
import { useEffect, useState } from 'react';
import type { RestaurantConfig } from '../../types';
import { Card, clean, type Save, Text } from './settings-ui';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** The country's name for a two-letter code, and what the code is used for. */
function countryHelp(code: string): string {
  const use = "Guests' phone numbers written without +country code are read in this country.";
  if (!/^[A-Za-z]{2}$/.test(code)) return `Two letters, e.g. FR, GB, US. ${use}`;
  const name = regionNames.of(code.toUpperCase());
  return `${name && name !== code.toUpperCase() ? name : 'Unknown code'}. ${use}`;
}

export function ProfileForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
  const [name, setName] = useState(config.name);
  const [timezone, setTimezone] = useState(config.timezone);
  const [contact, setContact] = useState({ phone: '', email: '', website: '', ...config.contact });
  const [location, setLocation] = useState({ address: '', city: '', postalCode: '', country: '', ...config.location });
  useEffect(() => {
    setName(config.name);
    setTimezone(config.timezone);
    setContact({ phone: '', email: '', website: '', ...config.contact });
    setLocation({ address: '', city: '', postalCode: '', country: '', ...config.location });
  }, [config]);
  return (
    <Card
      title="Profile"
      canEdit={canEdit}
      onSave={() => save({ ...config, name: name.trim(), timezone: timezone.trim(), contact: clean(contact), location: clean(location) }, 'Profile')}
    >
      <p className="muted small">
        Slug <span className="mono">{config.slug}</span> · plan {config.plan} (neither changes here)
      </p>
      <div className="field-row">
        <Text label="Name" value={name} onChange={setName} />
        <Text label="Time zone (IANA)" value={timezone} onChange={setTimezone} placeholder="Europe/Paris" mono />
      </div>
      <div className="field-row">
        <Text label="Phone" value={contact.phone} onChange={(v) => setContact({ ...contact, phone: v })} type="tel" />
        <Text label="Email" value={contact.email} onChange={(v) => setContact({ ...contact, email: v })} type="email" />
        <Text label="Website" value={contact.website} onChange={(v) => setContact({ ...contact, website: v })} type="url" />
      </div>
      <div className="field-row">
        <Text label="Address" value={location.address} onChange={(v) => setLocation({ ...location, address: v })} />
        <Text label="City" value={location.city} onChange={(v) => setLocation({ ...location, city: v })} />
        <Text label="Postal code" value={location.postalCode} onChange={(v) => setLocation({ ...location, postalCode: v })} />
        <Text
          label="Country (ISO code)"
          value={location.country}
          onChange={(v) => setLocation({ ...location, country: v.toUpperCase() })}
          placeholder="FR"
          maxLength={2}
          mono
          help={countryHelp(location.country)}
        />
      </div>
    </Card>
  );
}
