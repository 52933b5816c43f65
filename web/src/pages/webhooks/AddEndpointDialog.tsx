/** Add a webhook endpoint: URL, description, events (all, or a choice); checked here, then by the server. */
import { useId, useState, type FormEvent } from 'react';
import { api, rpath } from '../../api';
import { Dialog } from '../../components/Dialog';
import { CheckboxGrid, Field, FieldError, FormActions } from '../../components/Field';
import { ErrorBox } from '../../components/ui';
import { useAction } from '../../components/useAction';
import { useRestaurant } from '../../context';
import { EVENT_TYPES, type CreatedEndpoint, type EventType, type NewWebhookEndpoint } from '../../types';

const DEFAULT_EVENTS: EventType[] = ['booking.created', 'booking.updated', 'booking.cancelled'];

function urlError(url: string): string | null {
  try {
    const u = new URL(url.trim());
    return u.protocol !== 'https:' && u.protocol !== 'http:' ? 'Use an https:// URL.' : null;
  } catch {
    return 'Enter the full URL, e.g. https://example.com/maitre/webhooks.';
  }
}

export function AddEndpointDialog(props: { open: boolean; onClose: () => void; onCreated: (e: CreatedEndpoint) => void }) {
  const { slug } = useRestaurant();
  const id = useId();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(true);
  const [events, setEvents] = useState<Set<EventType>>(new Set(DEFAULT_EVENTS));
  const [touched, setTouched] = useState(false);
  const action = useAction();

  const badUrl = urlError(url);
  const eventsError = !all && events.size === 0 ? 'Choose at least one event.' : null;

  const clear = () => {
    setUrl('');
    setDescription('');
    setTouched(false);
  };
  const close = () => {
    clear();
    action.setError(null);
    props.onClose();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (badUrl || eventsError) return;
    void action.run(async () => {
      const created = await api.post<CreatedEndpoint>(rpath(slug, '/webhooks'), {
        url: url.trim(),
        events: all ? ['*'] : [...events],
        description: description.trim() || null,
      } satisfies NewWebhookEndpoint);
      clear();
      props.onCreated(created);
    });
  };

  return (
    <Dialog open={props.open} title="Add a webhook endpoint" onClose={close} wide>
      <form className="form" onSubmit={submit} noValidate>
        <Field id={`${id}-url`} label="Endpoint URL" error={touched ? badUrl : null}>
          {(a11y) => <input {...a11y} type="url" value={url} placeholder="https://example.com/maitre/webhooks" onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <Field id={`${id}-desc`} label="Description (optional)">
          {({ id: inputId }) => <input id={inputId} value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <fieldset className="field">
          <legend>Events</legend>
          <label className="check">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> All events, including types added later
          </label>
          {!all && <CheckboxGrid all={EVENT_TYPES} chosen={events} onChange={setEvents} label={(t) => <span className="mono">{t}</span>} />}
          <FieldError message={touched ? eventsError : null} />
        </fieldset>
        <ErrorBox error={action.error} title="The endpoint was not added." />
        <FormActions submitLabel="Add endpoint" busyLabel="Adding…" busy={action.busy} onCancel={close} />
      </form>
    </Dialog>
  );
}
