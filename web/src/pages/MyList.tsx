import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, ApiError, errorMessage } from '../api';
import { ChevronDownIcon, ChevronUpIcon, CloseIcon } from '../components/Icons';
import { ErrorView, Loading } from '../components/Status';
import { Link, titleHref } from '../router';
import { useSession } from '../session';
import type { Page, TitleSummary } from '../types';
import '../styles/home.css';
import '../styles/viewing.css';

const enc = encodeURIComponent;

function Poster({ item }: { item: TitleSummary }) {
  const [broken, setBroken] = useState(false);
  const src = item.artwork?.poster;
  return (
    <Link href={titleHref(item.id)} className="mylist-poster" tabIndex={-1} aria-hidden="true">
      {src && !broken ? (
        <img src={src} alt="" loading="lazy" decoding="async" onError={() => setBroken(true)} />
      ) : (
        <div className="card-fallback">{item.name}</div>
      )}
    </Link>
  );
}

/** /my-list: the profile's list in its order, with move up/down and remove. */
export default function MyList() {
  const { profile } = useSession();
  const [items, setItems] = useState<TitleSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const live = useRef(true);
  // Changes go to the server one at a time, in the order they were made.
  const queue = useRef<Promise<void>>(Promise.resolve());
  // After a move, keep keyboard (and TV remote) focus on the control that was pressed.
  const refocus = useRef<{ id: string; control: 'up' | 'down' } | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const reload = async () => {
    try {
      const p = await api<Page<TitleSummary>>('/api/v1/my-list', { auth: 'profile' });
      if (live.current) setItems(p.items);
    } catch (e) {
      if (live.current) setError(errorMessage(e));
    }
  };

  useEffect(() => {
    const ctl = new AbortController();
    setItems(null);
    setError(null);
    api<Page<TitleSummary>>('/api/v1/my-list', { auth: 'profile', signal: ctl.signal })
      .then((p) => setItems(p.items))
      .catch((e) => {
        if (ctl.signal.aborted) return;
        setError(e instanceof ApiError && e.code === 'route_not_found' ? 'My List isn’t available yet.' : errorMessage(e));
      });
    return () => ctl.abort();
  }, [profile?.id, attempt]);

  useLayoutEffect(() => {
    const want = refocus.current;
    if (!want) return;
    refocus.current = null;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-title-id="${CSS.escape(want.id)}"]`);
    const pick = (c: string) => row?.querySelector<HTMLButtonElement>(`[data-testid="mylist-${c}"]:not(:disabled)`);
    (pick(want.control) ?? pick(want.control === 'up' ? 'down' : 'up') ?? pick('remove'))?.focus();
  }, [items]);

  const enqueue = (run: () => Promise<unknown>, failure: string) => {
    queue.current = queue.current.then(async () => {
      try {
        await run();
      } catch (e) {
        if (!live.current) return;
        if (e instanceof ApiError && e.status === 400)
          setNotice('My List changed on another device, so here it is again as it is now. Try that once more.');
        else setNotice(`${failure}: ${errorMessage(e)}`);
        await reload();
      }
    });
  };

  const move = (index: number, delta: -1 | 1) => {
    if (!items) return;
    const to = index + delta;
    if (to < 0 || to >= items.length) return;
    const next = [...items];
    const [moved] = next.splice(index, 1);
    next.splice(to, 0, moved!);
    setNotice(null);
    setItems(next);
    refocus.current = { id: moved!.id, control: delta < 0 ? 'up' : 'down' };
    // The order as of this change: removals made before it reach the server before it does.
    const titleIds = next.map((t) => t.id);
    enqueue(() => api('/api/v1/my-list', { method: 'PUT', auth: 'profile', body: { titleIds } }), 'Couldn’t save the new order');
  };

  const remove = (item: TitleSummary) => {
    if (!items) return;
    const index = items.findIndex((t) => t.id === item.id);
    setNotice(null);
    setItems(items.filter((t) => t.id !== item.id));
    // Keep focus in the list: on the row that takes this one's place.
    const after = items[index + 1] ?? items[index - 1];
    if (after) refocus.current = { id: after.id, control: 'up' };
    enqueue(
      () => api(`/api/v1/my-list/${enc(item.id)}`, { method: 'DELETE', auth: 'profile' }),
      `Couldn’t remove “${item.name}”`,
    );
  };

  return (
    <main className="page mylist" data-testid="mylist-page">
      <h1 className="page-title">My List</h1>
      {notice && (
        <div className="notice mylist-notice" role="status" data-testid="mylist-notice">
          {notice}
        </div>
      )}
      {error ? (
        <ErrorView message={error}>
          <button className="btn" onClick={() => setAttempt((a) => a + 1)}>
            Try again
          </button>
        </ErrorView>
      ) : !items ? (
        <Loading />
      ) : items.length === 0 ? (
        <p className="empty" data-testid="mylist-empty">
          Titles you add to My List appear here.
        </p>
      ) : (
        <ol className="mylist-list" ref={listRef}>
          {items.map((item, i) => {
            const meta = [item.year, item.type === 'series' ? 'Series' : 'Movie', item.maturityRating].filter(Boolean);
            return (
              <li key={item.id} className="mylist-item" data-testid="mylist-item" data-title-id={item.id}>
                <span className="mylist-pos" aria-hidden="true">
                  {i + 1}
                </span>
                <Poster item={item} />
                <div className="mylist-info">
                  <Link href={titleHref(item.id)} className="mylist-name">
                    {item.name}
                  </Link>
                  <div className="mylist-meta">
                    {meta.map((m, j) => (
                      <span key={j}>{m}</span>
                    ))}
                  </div>
                </div>
                <div className="mylist-controls">
                  <button
                    className="btn btn-icon"
                    data-testid="mylist-up"
                    aria-label={`Move ${item.name} up`}
                    title="Move up"
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    <ChevronUpIcon />
                  </button>
                  <button
                    className="btn btn-icon"
                    data-testid="mylist-down"
                    aria-label={`Move ${item.name} down`}
                    title="Move down"
                    disabled={i === items.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    <ChevronDownIcon />
                  </button>
                  <button
                    className="btn btn-icon mylist-remove"
                    data-testid="mylist-remove"
                    aria-label={`Remove ${item.name} from My List`}
                    title="Remove from My List"
                    onClick={() => remove(item)}
                  >
                    <CloseIcon />
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </main>
  );
}
