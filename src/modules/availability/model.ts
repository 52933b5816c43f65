/**
 * What the booking engine needs to know about a restaurant, as plain data: policy, floor plan, schedule. The pure
 * functions (schedule, slots, assignment, evaluate) take this and nothing else, so availability and booking run the
 * very same code.
 */
import type { Weekday } from '../restaurants/clock.js';

export interface TurnTime {
  maxPartySize: number;
  minutes: number;
}

export interface BookingPolicy {
  minPartySize: number;
  maxPartySize: number;
  slotIntervalMinutes: number;
  bookingWindowDays: number;
  minNoticeMinutes: number;
  bufferMinutes: number;
  /** Ascending by maxPartySize; a party larger than the last entry uses the last entry's minutes. */
  turnTimes: TurnTime[];
}

export interface Pacing {
  maxCoversPerSlot?: number | null;
  maxBookingsPerSlot?: number | null;
}

/** One service's hours on a day (HH:mm; an end or last seating before the start means the next day). */
export interface ServiceHours {
  key: string;
  name: string;
  start: string;
  lastSeating: string;
  end: string;
  pacing: Pacing;
}

export interface RegularService extends ServiceHours {
  days: Weekday[];
}

export interface FloorTable {
  id: string;
  key: string;
  /** Area key. */
  area: string;
  minCovers: number;
  maxCovers: number;
  position: number;
}

export interface FloorCombination {
  id: string;
  /** Member table ids. */
  tableIds: string[];
  minCovers: number;
  maxCovers: number;
  position: number;
}

export interface FloorEvent {
  key: string;
  name: string;
  date: string;
  start: string;
  end: string;
  closesRegularService: boolean;
}

export interface BookingModel {
  restaurantId: string;
  timezone: string;
  policy: BookingPolicy;
  areas: { key: string; name: string }[];
  tables: FloorTable[];
  combinations: FloorCombination[];
  services: RegularService[];
  /** date → reason (null when none was given). */
  closures: Map<string, string | null>;
  /** date → the services that replace the regular ones that day. */
  specialHours: Map<string, ServiceHours[]>;
  events: FloorEvent[];
}

/** Minutes a party of this size holds its table, buffer excluded. */
export function turnMinutes(policy: BookingPolicy, partySize: number): number {
  const list = policy.turnTimes;
  const match = list.find((t) => partySize <= t.maxPartySize);
  return (match ?? list[list.length - 1]).minutes;
}
