import { api } from '../api';
import type { Shaka, ShakaPlayer } from './shaka';

/**
 * Tells the service when Shaka, failing on one delivery host, carries on from another (the
 * manifest lists every edge as a DASH BaseURL or an HLS redundant variant): the switch is
 * otherwise invisible to operators. Reports each change of host once, fire and forget.
 */
export function reportFailovers(shaka: Shaka, player: ShakaPlayer, playbackId: () => string): void {
  const { RequestType } = shaka.net.NetworkingEngine;
  let current: string | null = null;
  player.getNetworkingEngine()?.registerResponseFilter((type, response) => {
    if (type !== RequestType.SEGMENT && type !== RequestType.MANIFEST) return;
    let host: string;
    try {
      host = new URL(response.uri).origin;
    } catch {
      return;
    }
    if (current !== null && host !== current) {
      void api('/api/v1/delivery/failovers', { method: 'POST', auth: 'profile', body: { playbackId: playbackId(), from: current, to: host }, redirectOnExpiry: false }).catch(() => undefined);
    }
    current = host;
  });
}
