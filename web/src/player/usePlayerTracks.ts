import { useCallback, useEffect, useState } from 'react';
import type { ShakaPlayer } from './shaka';

/**
 * The tracks `read` gets from the player, read again whenever it fires one of `events` (none
 * without a player), and a function to read them again after changing the selection.
 * `read` and `events` must keep their identity across renders (define them at module level).
 */
export function usePlayerTracks<T>(player: ShakaPlayer | null, read: (player: ShakaPlayer) => T[], events: readonly string[]): [T[], () => void] {
  const [tracks, setTracks] = useState<T[]>([]);
  const refresh = useCallback(() => setTracks(player ? read(player) : []), [player, read]);

  useEffect(() => {
    refresh();
    if (!player) return;
    for (const e of events) player.addEventListener(e, refresh);
    return () => {
      for (const e of events) player.removeEventListener(e, refresh);
    };
  }, [player, events, refresh]);

  return [tracks, refresh];
}
