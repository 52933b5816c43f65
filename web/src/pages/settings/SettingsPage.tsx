/**
 * Settings: the restaurant configuration file (API.md §8) edited through forms — profile, booking policy, closures,
 * special hours, guest emails (with a preview of each email for owners and managers) — each saved with PUT /config; the floor plan and services shown; import (with the importer's own
 * errors) and export of the whole file. Staff see it read-only.
 */
import { api, ApiError, downloadJson, rpath } from '../../api';
import { useNotify } from '../../components/Notify';
import { ErrorBox, Loading, useLoad } from '../../components/ui';
import { isManager, useRestaurant } from '../../context';
import type { RestaurantConfig } from '../../types';
import { ClosuresForm } from './ClosuresForm';
import { EmailPreview } from './EmailPreview';
import { FloorView } from './FloorView';
import { GuestEmailsForm } from './GuestEmailsForm';
import { ImportForm } from './ImportForm';
import { PolicyForm } from './PolicyForm';
import { ProfileForm } from './ProfileForm';
import { SpecialHoursForm } from './SpecialHoursForm';
import type { Save } from './settings-ui';

export function SettingsPage() {
  const { slug, role } = useRestaurant();
  const notify = useNotify();
  const config = useLoad(() => api.get<RestaurantConfig>(rpath(slug, '/config')), [slug]);
  const canEdit = isManager(role);

  /** PUT the whole file; returns the importer's issues on 422, throws on anything else. */
  const save: Save = async (next, what) => {
    try {
      const saved = await api.put<RestaurantConfig>(rpath(slug, '/config'), next);
      config.setData(saved);
      notify(`${what} saved.`);
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'validation_failed') return e.issues.length ? e.issues : [{ path: '', message: e.message }];
      throw e;
    }
  };

  const c = config.data;
  return (
    <section aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">Settings</h1>
        {c && (
          <button type="button" onClick={() => downloadJson(`${c.slug}.json`, c)}>
            Export configuration
          </button>
        )}
      </div>
      {!canEdit && <p className="notice">You can view the settings. Owners and managers change them.</p>}
      <ErrorBox error={config.error} />
      {config.loading && !c && <Loading what="Loading the configuration" />}
      {c && (
        <>
          <ProfileForm config={c} save={save} canEdit={canEdit} />
          <PolicyForm config={c} save={save} canEdit={canEdit} />
          <ClosuresForm config={c} save={save} canEdit={canEdit} />
          <SpecialHoursForm config={c} save={save} canEdit={canEdit} />
          <GuestEmailsForm config={c} save={save} canEdit={canEdit} />
          {canEdit && <EmailPreview />}
          <FloorView config={c} />
          {canEdit && <ImportForm save={save} slug={c.slug} />}
        </>
      )}
    </section>
  );
}
