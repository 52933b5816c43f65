/**
 * The restaurant's guest-notification settings: the `notifications` section of the configuration file (API.md §8,
 * docs/notifications.md), stored in restaurants.notifications. Everything is optional in the file; an omitted field
 * takes its default (every kind on, reminders 24 h ahead, English). Used by config-shape.ts (the file), the
 * configuration store and the notification code.
 */
import { z } from 'zod';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

export const MESSAGE_KINDS = ['confirmation', 'change', 'cancellation', 'reminder', 'waitlist_offer'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

const email = z.email().max(200);
const https = z.url({ protocol: /^https$/ }).max(500);

export const notificationSettingsSchema = z.strictObject({
  confirmation: z.boolean().default(true).describe('Send a confirmation when a booking is made.'),
  change: z.boolean().default(true).describe('Send a message when the date, time or party size of a booking changes.'),
  cancellation: z.boolean().default(true).describe('Send a message when a booking is cancelled (by the guest, staff or the API).'),
  reminder: z.boolean().default(true).describe('Send a reminder `reminderLeadHours` before the booking.'),
  waitlistOffer: z.boolean().default(true).describe('Tell a waitlisted guest that a table is held for them.'),
  reminderLeadHours: z.number().int().min(1).max(168).default(24).describe('How long before the booking the reminder goes out (1–168 h).'),
  fromName: z.string().trim().min(1).max(100).nullable().default(null).describe("Sender name (default: the restaurant's name)."),
  fromAddress: email.nullable().default(null).describe('Sender address (default: MAITRE_SMTP_FROM).'),
  replyTo: email.nullable().default(null).describe("Reply-To address (default: the restaurant's contact email)."),
  confirmationNote: z.string().trim().min(1).max(500).nullable().default(null).describe('A short note added to the confirmation.'),
  manageUrl: https.nullable().default(null).describe('The https page that embeds the widget: the "manage my booking" link opens it.'),
  defaultLanguage: z.enum(LANGUAGES).default('en').describe("Language of a booking that does not say its own (the widget sends the guest's)."),
});

export type NotificationSettings = z.output<typeof notificationSettingsSchema>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = notificationSettingsSchema.parse({});

/** Reads stored settings, filling defaults; an unreadable value falls back to the defaults field by field. */
export function settingsFromJson(json: unknown): NotificationSettings {
  const parsed = notificationSettingsSchema.safeParse(json ?? {});
  if (parsed.success) return parsed.data;
  const out: Record<string, unknown> = { ...DEFAULT_NOTIFICATION_SETTINGS };
  const obj = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    if (!(key in out)) continue;
    const one = notificationSettingsSchema.safeParse({ [key]: value });
    if (one.success) out[key] = (one.data as Record<string, unknown>)[key];
  }
  return out as NotificationSettings;
}

/** The canonical form (every field, fixed key order): what the configuration export shows. */
export function canonicalSettings(s: NotificationSettings): NotificationSettings {
  return {
    confirmation: s.confirmation, change: s.change, cancellation: s.cancellation, reminder: s.reminder, waitlistOffer: s.waitlistOffer,
    reminderLeadHours: s.reminderLeadHours, fromName: s.fromName, fromAddress: s.fromAddress, replyTo: s.replyTo,
    confirmationNote: s.confirmationNote, manageUrl: s.manageUrl, defaultLanguage: s.defaultLanguage,
  };
}

/** Whether a kind is switched on. */
export function kindEnabled(s: NotificationSettings, kind: MessageKind): boolean {
  return kind === 'waitlist_offer' ? s.waitlistOffer : s[kind];
}
