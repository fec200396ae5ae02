import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api';
import { onboardingChoices, saveOnboarding, type OnboardingChoices } from '../home';
import { ErrorView, Loading } from './Status';
import '../styles/onboarding.css';

/** A new profile picks a few titles it likes; its first home page is built from them. */
export function Onboarding({ onDone, onSkip }: { onDone: () => void; onSkip: () => void }) {
  const [choices, setChoices] = useState<OnboardingChoices | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<string>>(() => new Set());
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const skip = useRef(onSkip);
  skip.current = onSkip;

  useEffect(() => {
    let live = true;
    onboardingChoices()
      .then((c) => {
        if (!live) return;
        // Too small a catalog to choose from: go straight to the home page.
        if (c.items.length < c.minPicks) skip.current();
        else setChoices(c);
      })
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, []);

  if (error && !choices) return <ErrorView message={error} />;
  if (!choices) return <Loading />;

  const toggle = (id: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(id)) next.delete(id);
      else if (next.size < choices.maxPicks) next.add(id);
      return next;
    });
  const need = Math.max(0, choices.minPicks - picked.size);
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await saveOnboarding([...picked]);
      onDone();
    } catch (e) {
      setError(errorMessage(e));
      setSaving(false);
    }
  };

  return (
    <main className="page onboarding" data-testid="onboarding">
      <h1>Pick {choices.minPicks} titles you like</h1>
      <p className="onboarding-hint">We will use them to fill your home page. You can change your mind any time by watching and rating.</p>
      <div className="onboarding-grid">
        {choices.items.map((t) => {
          const on = picked.has(t.id);
          return (
            <button key={t.id} className={`onboarding-card${on ? ' picked' : ''}`} aria-pressed={on} data-testid="onboarding-choice" data-title-id={t.id} onClick={() => toggle(t.id)}>
              {t.artwork?.poster ? <img src={t.artwork.poster} alt="" loading="lazy" /> : <span className="onboarding-name">{t.name}</span>}
              <span className="onboarding-label">{t.name}</span>
            </button>
          );
        })}
      </div>
      {error && <p className="onboarding-error" role="alert">{error}</p>}
      <div className="onboarding-actions">
        <button className="btn btn-primary" data-testid="onboarding-save" disabled={need > 0 || saving} onClick={() => void save()}>
          {need > 0 ? `Pick ${need} more` : 'Show me my home page'}
        </button>
        <button className="btn btn-ghost" data-testid="onboarding-skip" onClick={onSkip}>
          Skip
        </button>
      </div>
    </main>
  );
}
