/** An endpoint's state as a badge (Enabled, Failing, Disabled) and its events in words. */
import { Badge } from '../../components/ui';
import type { WebhookEndpoint } from '../../types';

export function EndpointStatus({ e }: { e: WebhookEndpoint }) {
  if (!e.enabled) return <Badge tone="red">Disabled</Badge>;
  if (e.failingSince) return <Badge tone="amber">Failing</Badge>;
  return <Badge tone="green">Enabled</Badge>;
}

export const eventsLabel = (events: string[]) => (events.includes('*') ? 'All events' : events.join(', '));
