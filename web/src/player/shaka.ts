import type shakaNs from 'shaka-player/dist/shaka-player.compiled-es2021.js';

// Shaka Player (DASH + HLS), loaded on demand so it never weighs on the catalog pages.
export type Shaka = typeof shakaNs;
export type ShakaPlayer = shakaNs.Player;
export type ShakaError = shakaNs.util.Error;
export type ShakaTrack = shakaNs.extern.Track;

let loading: Promise<Shaka> | null = null;

export function loadShaka(): Promise<Shaka> {
  loading ??= import('shaka-player/dist/shaka-player.compiled-es2021.js')
    .then((m) => {
      const shaka = ((m as { default?: Shaka }).default ?? m) as Shaka;
      shaka.polyfill.installAll();
      return shaka;
    })
    .catch((e) => {
      loading = null;
      throw e;
    });
  return loading;
}
