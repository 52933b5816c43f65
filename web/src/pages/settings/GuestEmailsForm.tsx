/**
 * Settings: guest emails (the configuration file's `notifications`, docs/notifications.md) — which emails go out, the
 * reminder's lead time, the sender, a note in the confirmation and the page the "manage my booking" link opens.
 * Saved with the rest of the file through PUT /config, like every settings form.
 */
import { useEffect, useId, useState } from 'react';
import { Field } from '../../components/Field';
import type { NotificationSettings, RestaurantConfig } from '../../types';
import { Card, num, type Save, Text } from './settings-ui';

type KindSwitch = 'confirmation' | 'change' | 'cancellation' | 'reminder' | 'waitlistOffer';

const SWITCHES: [KindSwitch, string, string][] = [
  ['confirmation', 'Confirmation', 'when a booking is made (website, API, phone or event booking)'],
  ['change', 'Change', 'when the date, time or party size changes'],
  ['cancellation', 'Cancellation', 'when a booking is cancelled, by the guest, your team or the API'],
  ['reminder', 'Reminder', 'before the booking (not for bookings made less than that ahead)'],
  ['waitlistOffer', 'Waitlist offer', 'when a freed table is held for a guest on the waitlist'],
];

export const DEFAULT_SETTINGS: NotificationSettings = {
  confirmation: true, change: true, cancellation: true, reminder: true, waitlistOffer: true, reminderLeadHours: 24,
  fromName: null, fromAddress: null, replyTo: null, confirmationNote: null, manageUrl: null, defaultLanguage: 'en',
};

/** The file's notifications section, with the defaults for what it leaves out. */
export function settingsOf(config: RestaurantConfig): NotificationSettings {
  return { ...DEFAULT_SETTINGS, ...config.notifications };
}

interface Texts {
  reminderLeadHours: string;
  fromName: string;
  fromAddress: string;
  replyTo: string;
  confirmationNote: string;
  manageUrl: string;
}

const textsOf = (s: NotificationSettings): Texts => ({
  reminderLeadHours: String(s.reminderLeadHours),
  fromName: s.fromName ?? '',
  fromAddress: s.fromAddress ?? '',
  replyTo: s.replyTo ?? '',
  confirmationNote: s.confirmationNote ?? '',
  manageUrl: s.manageUrl ?? '',
});

const orNull = (v: string) => (v.trim() ? v.trim() : null);

export function GuestEmailsForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
  const id = useId();
  const [on, setOn] = useState(() => settingsOf(config));
  const [texts, setTexts] = useState(() => textsOf(settingsOf(config)));
  useEffect(() => {
    setOn(settingsOf(config));
    setTexts(textsOf(settingsOf(config)));
  }, [config]);
  const set = (k: keyof Texts) => (v: string) => setTexts({ ...texts, [k]: v });

  const onSave = () => {
    const notifications: NotificationSettings = {
      confirmation: on.confirmation,
      change: on.change,
      cancellation: on.cancellation,
      reminder: on.reminder,
      waitlistOffer: on.waitlistOffer,
      reminderLeadHours: num(texts.reminderLeadHours),
      fromName: orNull(texts.fromName),
      fromAddress: orNull(texts.fromAddress),
      replyTo: orNull(texts.replyTo),
      confirmationNote: orNull(texts.confirmationNote),
      manageUrl: orNull(texts.manageUrl),
      defaultLanguage: on.defaultLanguage,
    };
    return save({ ...config, notifications }, 'Guest emails');
  };

  return (
    <Card title="Guest emails" canEdit={canEdit} onSave={onSave}>
      <p className="help">
        What Maitre emails your guests, with a calendar file and a link to manage their booking. Without a mail server configured
        (MAITRE_SMTP_URL), emails are written and kept — each booking shows them — but not sent.
      </p>
      <fieldset className="plain">
        <legend>Send these emails</legend>
        {SWITCHES.map(([k, label, when]) => (
          <label key={k} className="check">
            <input type="checkbox" checked={on[k]} onChange={(e) => setOn({ ...on, [k]: e.target.checked })} />
            <span>
              <strong>{label}</strong> <span className="muted">{when}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="field-row">
        <Text
          label="Reminder (hours before the booking)"
          type="number"
          value={texts.reminderLeadHours}
          onChange={set('reminderLeadHours')}
          help="From 1 to 168 (a week); 24 by default."
        />
        <div className="field">
          <label htmlFor={`${id}-lang`}>Language when a booking has none</label>
          <select id={`${id}-lang`} value={on.defaultLanguage} onChange={(e) => setOn({ ...on, defaultLanguage: e.target.value as 'en' | 'fr' })}>
            <option value="en">English</option>
            <option value="fr">French</option>
          </select>
        </div>
      </div>
      <div className="field-row">
        <Text label="Sender name" value={texts.fromName} onChange={set('fromName')} maxLength={100} help="Empty: the restaurant’s name." />
        <Text label="Sender address" type="email" value={texts.fromAddress} onChange={set('fromAddress')} help="Empty: the server’s MAITRE_SMTP_FROM." />
        <Text label="Reply-to address" type="email" value={texts.replyTo} onChange={set('replyTo')} help="Where guests’ replies go. Empty: the profile’s email." />
      </div>
      <Field id={`${id}-note`} label="Note in the confirmation" help={`Optional, up to 500 characters (${texts.confirmationNote.length}/500).`}>
        {({ id: inputId, ...described }) => (
          <textarea id={inputId} {...described} rows={3} maxLength={500} value={texts.confirmationNote} onChange={(e) => set('confirmationNote')(e.target.value)} />
        )}
      </Field>
      <Text
        label="Manage-booking page (https)"
        type="url"
        value={texts.manageUrl}
        onChange={set('manageUrl')}
        placeholder="https://www.example.com/book"
        help="The page of your website with the booking widget: the “manage my booking” link in every email opens it there. Empty: the emails have no manage link (the demo restaurant’s opens this server’s /demo)."
      />
    </Card>
  );
}
