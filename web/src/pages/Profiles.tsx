import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { selectProfile, signOut } from '../auth';
import { Avatar } from '../components/Avatar';
import { DeviceList } from '../components/DeviceList';
import { TextField } from '../components/Field';
import { ErrorView, Loading } from '../components/Status';
import { useApiForm } from '../forms';
import { navigate } from '../router';
import type { Page, Profile } from '../types';
import '../styles/profiles.css';

export default function Profiles() {
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selecting, setSelecting] = useState<string | null>(null);
  const [selectError, setSelectError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [kids, setKids] = useState(false);

  const load = () => {
    setLoadError(null);
    api<Page<Profile>>('/api/v1/profiles', { auth: 'account' })
      .then((p) => {
        setProfiles(p.items);
      })
      .catch((e) => setLoadError(errorMessage(e)));
  };
  useEffect(load, []);

  const choose = async (p: Profile) => {
    setSelecting(p.id);
    setSelectError(null);
    try {
      await selectProfile(p);
      navigate('/', { replace: true });
    } catch (e) {
      setSelectError(errorMessage(e));
      setSelecting(null);
    }
  };

  const form = useApiForm(async () => {
    const created = await api<Profile>('/api/v1/profiles', {
      method: 'POST',
      auth: 'account',
      body: { name: name.trim(), kids },
    });
    setProfiles((list) => [...(list ?? []), created]);
    setName('');
    setKids(false);
  });

  if (loadError)
    return (
      <ErrorView message={loadError}>
        <button className="btn" onClick={load}>
          Try again
        </button>
      </ErrorView>
    );
  if (!profiles) return <Loading />;

  return (
    <main className="profiles">
      <h1>Who’s watching?</h1>
      {selectError && (
        <div className="alert" role="alert" data-testid="form-error">
          {selectError}
        </div>
      )}
      <div className="profile-grid">
        {profiles.map((p) => (
          <button
            key={p.id}
            className="profile-card"
            data-testid="profile-card"
            data-profile-id={p.id}
            disabled={selecting !== null}
            onClick={() => void choose(p)}
          >
            <Avatar profile={p} />
            <span>{selecting === p.id ? 'Opening…' : p.name}</span>
            {p.kids && <span className="kids-badge">KIDS</span>}
          </button>
        ))}
      </div>

      <form className="profile-form" onSubmit={form.onSubmit} noValidate data-testid="profile-form">
        {form.error && (
          <div className="alert" role="alert" style={{ flexBasis: '100%' }} data-testid="form-error">
            {form.error.message}
          </div>
        )}
        <TextField
          label={profiles.length === 0 ? 'Create your first profile' : 'Add a profile'}
          name="name"
          testId="profile-name"
          maxLength={50}
          placeholder="Name"
          autoFocus={profiles.length === 0}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={form.fieldError('name')}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            name="kids"
            data-testid="profile-kids"
            checked={kids}
            onChange={(e) => setKids(e.target.checked)}
          />
          Kids profile
        </label>
        <button className="btn btn-primary" type="submit" data-testid="profile-create" disabled={form.busy}>
          {form.busy ? 'Creating…' : 'Create'}
        </button>
      </form>

      <DeviceList />

      <button className="btn btn-link" data-testid="sign-out" onClick={() => void signOut()}>
        Sign out
      </button>
    </main>
  );
}
