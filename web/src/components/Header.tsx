import { useEffect, useRef, useState, type FormEvent } from 'react';
import { signOut } from '../auth';
import { Link, navigate, useHref } from '../router';
import { session, useSession } from '../session';
import { Avatar } from './Avatar';
import { isAdmin } from '../pages/experimentsData';

export function Header() {
  const { profile } = useSession();
  const href = useHref();
  const [solid, setSolid] = useState(false);
  const [open, setOpen] = useState(false);
  const onSearch = href.startsWith('/search');
  const [q, setQ] = useState(() => (onSearch ? (new URLSearchParams(href.split('?')[1]).get('q') ?? '') : ''));
  const menuRef = useRef<HTMLDivElement>(null);

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
      navigate(to, { replace: onSearch });
    }, 300);
    return () => clearTimeout(t);
    // Only typing triggers a search; `onSearch` is read, not watched.
  }, [q]);

  // Leaving the search page clears the box.
  useEffect(() => {
    if (!onSearch) setQ('');
  }, [onSearch]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
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
          <Link href="/experiments" className={path.startsWith('/experiments') ? 'active' : ''}>
            Experiments
          </Link>
        )}
      </nav>
      <div className="header-right">
        <form role="search" onSubmit={submit}>
          <input
            className="search-box"
            type="search"
            placeholder="Titles, people, genres"
            aria-label="Search"
            data-testid="search-input"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
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
