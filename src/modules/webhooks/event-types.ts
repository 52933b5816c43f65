/** The webhook event types (API.md §7): kept in src/shared/constants.ts, which the dashboard imports too. */
export { ALL_EVENTS, EVENT_TYPES, type EventType } from '../../shared/constants.js';
