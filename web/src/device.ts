// A stable id for this browser, sent on profile select and playback start.
const KEY = 'deviceId';

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function deviceId(): string {
  let id = localStorage.getItem(KEY);
  if (!id) {
    id = `web-${randomId()}`;
    localStorage.setItem(KEY, id);
  }
  return id;
}
