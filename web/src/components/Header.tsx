import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { signOut } from '../auth';
import { Link, navigate, titleHref, useHref } from '../router';
import { searchHref, suggest, type Suggestions } from '../search';
import { session, useSession } from '../session';
import { Avatar } from './Avatar';
import { Highlighted } from './Highlighted';
import '../styles/search.css';

interface Option {
  key: string;
  group: 'Titles' | 'People' | 'Genres';
  label: string;
  ranges?: [number, number][];
  meta?: string;
  href: string;
  fill?: string;
}

function optionsOf(s: Suggestions | null, q: string): Option[] {
  if (!s) return [];
  return [
    ...s.items.map((t): Option => ({ key: `t:${t.titleId}`, group: 'Titles', label: t.text, ranges: t.ranges, meta: t.year ? String(t.year) : undefined, href: titleHref(t.titleId) })),
    ...s.people.map((p): Option => ({ key: `p:${p.name}`, group: 'People', label: p.name, ranges: p.ranges, meta: `${p.titleCount} ${p.titleCount === 1 ? 'title' : 'titles'}`, href: searchHref(p.name), fill: p.name })),
    ...s.genres.map((g): Option => ({ key: `g:${g.id}`, group: 'Genres', label: g.name, ranges: g.ranges, href: searchHref(q, { genre: g.id }) })),
  ];
}
import { isAdmin } from '../pages/experimentsData';
import { canUseStudio } from '../pages/studioData';

export function Header() {
  const { profile } = useSession();
  const href = useHref();
  const [solid, setSolid] = useState(false);
  const [open, setOpen] = useState(false);
  const onSearch = href.startsWith('/search');
  const [q, setQ] = useState(() => (onSearch ? (new URLSearchParams(href.split('?')[1]).get('q') ?? '') : ''));
  const menuRef = useRef<HTMLDivElement>(null);
  const [suggestions, setSuggestions] = useState<Suggestions | null>(null);
  const [showSuggest, setShowSuggest] = useState(false);
  const [active, setActive] = useState(-1);
  /** The query this box last put in the URL, so URL changes made elsewhere ("did you mean") can refill the box. */
  const pushed = useRef(q.trim());
  const options = optionsOf(suggestions, q.trim());

  useEffect(() => {
    const onScroll = () => setSolid(window.scrollY > 30);
    onScroll();
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  // Live search: debounce typing into /search?q=...
  useEffect(() => {
    const term = q.trim();
    if (!term && !onSearch) return;
    const t = setTimeout(() => {
      const to = term ? `/search?q=${encodeURIComponent(term)}` : '/';
      pushed.current = term;
      navigate(to, { replace: onSearch });
    }, 300);
    return () => clearTimeout(t);
    // Only typing triggers a search; `onSearch` is read, not watched.
  }, [q]);

  // Suggestions as you type: debounced, and a newer keystroke cancels the older request.
  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setSuggestions(null);
      return;
    }
    const ctl = new AbortController();
    const t = setTimeout(() => {
      suggest(term, ctl.signal)
        .then((s) => {
          setSuggestions(s);
          setActive(-1);
        })
        .catch(() => undefined);
    }, 120);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [q]);

  // Leaving the search page clears the box; a search started elsewhere ("did you mean") fills it.
  useEffect(() => {
    if (!onSearch) {
      setQ('');
      pushed.current = '';
      return;
    }
    const urlQ = new URLSearchParams(href.split('?')[1]).get('q') ?? '';
    if (urlQ !== pushed.current) {
      pushed.current = urlQ;
      setQ(urlQ);
    }
  }, [onSearch, href]);

  const choose = (o: Option) => {
    setShowSuggest(false);
    if (o.fill !== undefined) {
      pushed.current = o.fill;
      setQ(o.fill);
    }
    navigate(o.href);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') setShowSuggest(false);
    if (!showSuggest || options.length === 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      // -1 is the text box itself; the list wraps around through it.
      setActive((a) => ((a + 1 + step + options.length + 1) % (options.length + 1)) - 1);
    } else if (e.key === 'Enter' && active >= 0 && active < options.length) {
      e.preventDefault();
      choose(options[active]!);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShowSuggest(false);
    pushed.current = q.trim();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };

  const path = href.split('?')[0];
  return (
    <header className={`header${solid ? ' solid' : ''}`}>
      <Link href="/" className="logo" aria-label="Marquee home">
        MARQUEE
      </Link>
      <nav className="nav">
        <Link href="/" className={path === '/' ? 'active' : ''}>
          Home
        </Link>
        <Link href="/my-list" className={path === '/my-list' ? 'active' : ''}>
          My List
        </Link>
        {isAdmin() && (
          <>
            <Link href="/experiments" className={path.startsWith('/experiments') ? 'active' : ''}>
              Experiments
            </Link>
            <Link href="/ops" className={path === '/ops' ? 'active' : ''}>
              Operations
            </Link>
          </>
        )}
        {canUseStudio() && (
          <Link href="/studio" className={path.startsWith('/studio') ? 'active' : ''}>
            Studio
          </Link>
        )}
      </nav>
      <div className="header-right">
        <form role="search" onSubmit={submit} className="search-wrap">
          <input
            className="search-box"
            type="search"
            placeholder="Titles, people, genres"
            aria-label="Search"
            aria-autocomplete="list"
            aria-expanded={showSuggest && options.length > 0}
            aria-controls="search-suggestions"
            aria-activedescendant={active >= 0 && options[active] ? `suggest-${active}` : undefined}
            autoComplete="off"
            maxLength={200}
            data-testid="search-input"
            value={q}
            onChange={(e) => {
              setQ(e.target.value);
              setShowSuggest(true);
            }}
            onFocus={() => setShowSuggest(true)}
            onBlur={() => setShowSuggest(false)}
            onKeyDown={onKeyDown}
          />
          {showSuggest && options.length > 0 && (
            <div className="suggest" id="search-suggestions" role="listbox" data-testid="search-suggestions">
              {options.map((o, i) => (
                <div key={o.key}>
                  {(i === 0 || options[i - 1]!.group !== o.group) && <div className="suggest-group">{o.group}</div>}
                  <button
                    type="button"
                    id={`suggest-${i}`}
                    role="option"
                    aria-selected={i === active}
                    className={`suggest-item${i === active ? ' active' : ''}`}
                    data-testid="suggestion"
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => choose(o)}
                  >
                    <span>
                      <Highlighted text={o.label} ranges={o.ranges} />
                    </span>
                    {o.meta && <span className="meta-small">{o.meta}</span>}
                  </button>
                </div>
              ))}
            </div>
          )}
        </form>
        {profile && (
          <div className="menu" ref={menuRef}>
            <button
              className="menu-button"
              aria-haspopup="menu"
              aria-expanded={open}
              data-testid="profile-menu"
              onClick={() => setOpen((o) => !o)}
            >
              <Avatar profile={profile} />
              <span className="menu-label" data-testid="current-profile">
                {profile.name}
              </span>
              <span aria-hidden="true">▾</span>
            </button>
            {open && (
              <div className="menu-list" role="menu">
                <div className="menu-name">Signed in as {profile.name}</div>
                <button
                  role="menuitem"
                  className="menu-narrow"
                  onClick={() => {
                    setOpen(false);
                    navigate('/my-list');
                  }}
                >
                  My List
                </button>
                <button
                  role="menuitem"
                  data-testid="menu-activity"
                  onClick={() => {
                    setOpen(false);
                    navigate('/activity');
                  }}
                >
                  Viewing activity
                </button>
                <button
                  role="menuitem"
                  data-testid="switch-profile"
                  onClick={() => {
                    session.clearProfile();
                    navigate('/profiles');
                  }}
                >
                  Switch profile
                </button>
                <button role="menuitem" data-testid="sign-out" onClick={() => void signOut()}>
                  Sign out of Marquee
                </button>
              </div>
            )}
          </div>
        )}
      </div>
    </header>
  );
}
