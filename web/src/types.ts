/**
 * The admin API's JSON shapes the dashboard reads, named. Each is an alias of the types generated from the admin
 * OpenAPI document (./generated/admin-api.d.ts, `npm run openapi`): the server's zod schemas are the one source.
 */
import type { operations } from './generated/admin-api';
import {
  EVENT_TYPES as SERVER_EVENT_TYPES, SCOPES as SERVER_SCOPES, SCOPE_DESCRIPTIONS as SERVER_SCOPE_DESCRIPTIONS,
} from '../../src/shared/constants';

/** The JSON body of an operation's response with this status. */
type Json<Op extends keyof operations, Status extends keyof operations[Op]['responses']> =
  operations[Op]['responses'][Status] extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON request body of an operation. */
type Body<Op extends keyof operations> =
  NonNullable<operations[Op]['requestBody']> extends { content: { 'application/json': infer T } } ? T : never;

export type SessionView = Json<'adminGetSession', 200>;
export type Membership = SessionView['memberships'][number];
export type Role = Membership['role'];

export type ApiKey = Json<'adminGetKeysById', 200>;
export type CreatedKey = Json<'adminPostKeys', 201>;
export type NewKey = Body<'adminPostKeys'>;
export type KeyStatus = ApiKey['status'];
export type KeyUsage = Json<'adminGetKeysByIdUsage', 200>;
export type Scope = ApiKey['scopes'][number];

/**
 * The scopes in their canonical order, with what each grants: the server's own list (src/shared/constants.ts).
 * The annotations make the compiler check it against the document both ways: a scope in one and not the other fails.
 */
export const SCOPES: readonly Scope[] = SERVER_SCOPES;
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = SERVER_SCOPE_DESCRIPTIONS;

export type WebhookEndpoint = Json<'adminGetWebhooksById', 200>;
export type CreatedEndpoint = Json<'adminPostWebhooks', 201>;
export type WebhookEndpointPage = Json<'adminGetWebhooks', 200>;
export type NewWebhookEndpoint = Body<'adminPostWebhooks'>;
/** An event type an endpoint can subscribe to (without the `*` wildcard). */
export type EventType = Exclude<Body<'adminPostWebhooks'>['events'][number], '*'>;

/**
 * The event types, in the server's order: its own list (src/shared/constants.ts). The annotation makes the
 * compiler reject a type the admin document does not know, or the reverse.
 */
export const EVENT_TYPES: readonly EventType[] = SERVER_EVENT_TYPES;
type ServerEventType = (typeof SERVER_EVENT_TYPES)[number];
export const EVENT_TYPES_MATCH_DOCUMENT: [EventType] extends [ServerEventType] ? ([ServerEventType] extends [EventType] ? true : never) : never = true;

export type DeliveryPage = Json<'adminGetWebhooksByIdDeliveries', 200>;
export type Delivery = DeliveryPage['data'][number];

export type ReservationPage = Json<'adminGetReservations', 200>;
export type Reservation = Json<'adminGetReservationsByIdOrReference', 200>;
export type NewReservation = Body<'adminPostReservations'>;
export type ReservationStatus = Reservation['status'];

export type RestaurantView = Json<'adminGetRestaurant', 200>;

export type Floor = Json<'adminGetFloor', 200>;
export type Area = Floor['areas'][number];
export type Table = Floor['tables'][number];
export type Service = Floor['services'][number];

export type Hours = Json<'adminGetHours', 200>;
export type HoursDay = Hours['days'][number];
export type Availability = Json<'adminGetAvailability', 200>;

export type CustomerPage = Json<'adminGetCustomers', 200>;
export type CustomerProfile = Json<'adminGetCustomersById', 200>;

export type AuditPage = Json<'adminGetAudit', 200>;
export type AuditEntry = AuditPage['data'][number];

/** The restaurant configuration file (API.md §8), as GET /config returns it (canonical, defaults filled). */
export type RestaurantConfig = Json<'adminGetConfig', 200>;

/** Guest emails (issue 17, docs/notifications.md): GET …/messages, GET …/messages/{id}, GET …/messages/preview. */
export type MessagePage = Json<'adminGetMessages', 200>;
export type Message = MessagePage['data'][number];
export type MessageKind = Message['kind'];
export type MessageStatus = Message['status'];
export type MessageDetail = Json<'adminGetMessagesById', 200>;
export type MessagePreview = Json<'adminGetMessagesPreview', 200>;
/** The configuration file's `notifications` section (Settings › Guest emails). */
export type NotificationSettings = RestaurantConfig['notifications'];
/** Every report of a range (GET …/reports): the range header and one section per report. */
export type Reports = Json<'adminGetReports', 200>;
