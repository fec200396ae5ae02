import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A tiny history-API router. The API server falls back to index.html for unknown non-API paths.

export type Route =
  | { name: 'signin' }
  | { name: 'signup' }
  | { name: 'profiles' }
  | { name: 'home' }
  | { name: 'title'; id: string }
  | { name: 'watch'; videoId: string; titleId: string | null }
  | { name: 'search'; q: string }
  | { name: 'mylist' }
  | { name: 'activity' }
  | { name: 'experiments' }
  | { name: 'experiment'; id: string }
  | { name: 'ops' }
  | { name: 'studio' }
  | { name: 'studioVideo'; id: string }
  | { name: 'notfound' };

const NAV_EVENT = 'marquee:navigate';

function subscribe(cb: () => void): () => void {
  window.addEventListener('popstate', cb);
  window.addEventListener(NAV_EVENT, cb);
  return () => {
    window.removeEventListener('popstate', cb);
    window.removeEventListener(NAV_EVENT, cb);
  };
}

const currentHref = (): string => location.pathname + location.search;

// How many in-app entries sit behind the current one (so "Back" can stay inside the app).
let depth = 0;
window.addEventListener('popstate', () => {
  depth = Math.max(0, depth - 1);
});

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === currentHref()) return;
  if (opts.replace) history.replaceState(null, '', to);
  else {
    history.pushState(null, '', to);
    depth++;
  }
  window.dispatchEvent(new Event(NAV_EVENT));
  if (!opts.replace) window.scrollTo(0, 0);
}

/** Back within the app when there is somewhere to go back to, else to `fallback`. */
export function goBack(fallback: string): void {
  if (depth > 0) history.back();
  else navigate(fallback, { replace: true });
}

/** Re-renders on every navigation; returns "pathname?search". */
export function useHref(): string {
  return useSyncExternalStore(subscribe, currentHref);
}

export function matchRoute(href: string): Route {
  const url = new URL(href, location.origin);
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const q = url.searchParams;
  if (parts.length === 0) return { name: 'home' };
  const [head, arg] = parts;
  if (parts.length === 1) {
    if (head === 'signin') return { name: 'signin' };
    if (head === 'signup') return { name: 'signup' };
    if (head === 'profiles') return { name: 'profiles' };
    if (head === 'search') return { name: 'search', q: q.get('q') ?? '' };
    if (head === 'my-list') return { name: 'mylist' };
    if (head === 'activity') return { name: 'activity' };
    if (head === 'experiments') return { name: 'experiments' };
    if (head === 'ops') return { name: 'ops' };
    if (head === 'studio') return { name: 'studio' };
  }
  if (parts.length === 2 && arg) {
    if (head === 'title') return { name: 'title', id: arg };
    if (head === 'experiments') return { name: 'experiment', id: arg };
    if (head === 'watch') return { name: 'watch', videoId: arg, titleId: q.get('title') };
  }
  if (parts.length === 3 && head === 'studio' && arg === 'videos' && parts[2]) return { name: 'studioVideo', id: parts[2] };
  return { name: 'notfound' };
}

export function watchHref(videoId: string, titleId?: string | null): string {
  const base = `/watch/${encodeURIComponent(videoId)}`;
  return titleId ? `${base}?title=${encodeURIComponent(titleId)}` : base;
}

export function titleHref(id: string): string {
  return `/title/${encodeURIComponent(id)}`;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** An <a> that navigates in-app on plain left clicks and stays a real link otherwise. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
