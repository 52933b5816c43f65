/**
 * Settings: each guest email as it would go out now, written by the server with the restaurant's real data (its name,
 * policy, time zone, the next bookable time as a sample booking) and the saved settings: GET …/messages/preview.
 * Owners and managers.
 */
import { useId, useState } from 'react';
import { api, qs, rpath } from '../../api';
import { ErrorBox, Loading, useLoad } from '../../components/ui';
import { useRestaurant } from '../../context';
import type { MessageKind, MessagePreview } from '../../types';
import { EmailRender } from '../messages/MessageList';
import { KIND_LABEL, KINDS } from '../messages/messages-model';

export function EmailPreview() {
  const { slug } = useRestaurant();
  const id = useId();
  const [kind, setKind] = useState<MessageKind>('confirmation');
  const [language, setLanguage] = useState<'en' | 'fr'>('en');
  const preview = useLoad(() => api.get<MessagePreview>(rpath(slug, `/messages/preview${qs({ kind, language })}`)), [slug, kind, language]);
  const p = preview.data;
  return (
    <section className="card email-preview" aria-labelledby={`${id}-t`}>
      <h2 id={`${id}-t`}>Email preview</h2>
      <p className="help">Each email as a guest would get it now, with your restaurant’s details and a sample booking. Save your changes above to see them here.</p>
      <div className="preview-controls">
        <div className="field">
          <label htmlFor={`${id}-kind`}>Email</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as MessageKind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-lang`}>Language</label>
          <select id={`${id}-lang`} value={language} onChange={(e) => setLanguage(e.target.value as 'en' | 'fr')}>
            <option value="en">English</option>
            <option value="fr">French</option>
          </select>
        </div>
        <button type="button" className="small-button align-end" onClick={preview.reload}>
          Refresh preview
        </button>
      </div>
      <ErrorBox error={preview.error} title="No preview." />
      {preview.loading && !p && <Loading what="Writing the preview" />}
      {p && (
        <div aria-busy={preview.loading} data-preview-kind={p.kind} data-preview-language={p.language}>
          <EmailRender subject={p.subject} html={p.html} text={p.text} ics={p.ics} />
        </div>
      )}
    </section>
  );
}
