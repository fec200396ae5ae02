/**
 * Regional licensing. A title without availability windows follows its region list (or is
 * worldwide). A title with windows is available in a country exactly while one of that
 * country's windows is open: `startsAt <= now < endsAt` (no end: open-ended).
 */
export interface AvailabilityWindow {
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  startsAt: string;
  endsAt: string | null;
}

export interface Licensing {
  worldwide: boolean;
  regions: string[];
  windows: AvailabilityWindow[];
}

const isOpen = (w: AvailabilityWindow, at: string): boolean => Date.parse(w.startsAt) <= Date.parse(at) && (w.endsAt === null || Date.parse(at) < Date.parse(w.endsAt));

export function isAvailableIn(l: Licensing, country: string, at: string): boolean {
  if (l.windows.length > 0) return l.windows.some((w) => w.country === country && isOpen(w, at));
  return l.worldwide || l.regions.includes(country);
}

/** Countries where the title is or will be available (windows not yet over), for indexes that cannot see the clock. */
export function countriesNotYetClosed(windows: AvailabilityWindow[], at: string): string[] {
  return [...new Set(windows.filter((w) => w.endsAt === null || Date.parse(at) < Date.parse(w.endsAt)).map((w) => w.country))].sort();
}

/** A window list a partner may set: real countries, ends after starts. Returns the first problem, if any. */
export function windowProblem(windows: AvailabilityWindow[]): { message: string; field: string } | undefined {
  for (const [i, w] of windows.entries()) {
    if (!/^[A-Z]{2}$/.test(w.country)) return { message: `windows[${i}].country must be a two-letter country code`, field: `windows.${i}.country` };
    if (Number.isNaN(Date.parse(w.startsAt))) return { message: `windows[${i}].startsAt is not a date-time`, field: `windows.${i}.startsAt` };
    if (w.endsAt !== null && Number.isNaN(Date.parse(w.endsAt))) return { message: `windows[${i}].endsAt is not a date-time`, field: `windows.${i}.endsAt` };
    if (w.endsAt !== null && Date.parse(w.endsAt) <= Date.parse(w.startsAt)) return { message: `windows[${i}] ends before it starts`, field: `windows.${i}.endsAt` };
  }
  return undefined;
}
