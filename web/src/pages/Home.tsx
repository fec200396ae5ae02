import { useEffect, useState } from 'react';
import { errorMessage } from '../api';
import { Billboard } from '../components/Billboard';
import { Row } from '../components/Row';
import { ErrorView, Loading } from '../components/Status';
import { Onboarding } from '../components/Onboarding';
import { loadHome } from '../home';
import type { HomeRow } from '../types';
import '../styles/home.css';

export default function Home() {
  const [rows, setRows] = useState<HomeRow[] | null>(null);
  const [onboarding, setOnboarding] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = () => {
    setError(null);
    let live = true;
    loadHome()
      .then((home) => {
        if (!live) return;
        setRows(home.rows);
        setOnboarding(home.onboarding);
      })
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  };
  useEffect(load, []);

  if (error)
    return (
      <ErrorView message={error}>
        <button className="btn" onClick={load}>
          Try again
        </button>
      </ErrorView>
    );
  if (!rows) return <Loading />;
  if (onboarding) return <Onboarding onDone={load} onSkip={() => setOnboarding(false)} />;
  if (rows.length === 0)
    return (
      <div className="page">
        <p className="empty" data-testid="home-empty">
          Nothing to watch here yet. Titles appear once the studio publishes them.
        </p>
      </div>
    );

  const feature = rows.find((r) => !/continue/i.test(r.kind))?.items[0];
  return (
    <main>
      {feature && <Billboard item={feature} />}
      <div className={`rows${feature ? '' : ' no-billboard'}`}>
        {rows.map((row) => (
          <Row key={row.id} row={row} />
        ))}
      </div>
    </main>
  );
}
