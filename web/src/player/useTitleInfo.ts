import { useEffect, useState } from 'react';
import { api } from '../api';
import { locateEpisode, type EpisodeRef } from '../titles';
import type { Title } from '../types';

export interface TitleInfo {
  title: Title;
  current: EpisodeRef | null;
  next: EpisodeRef | null;
}

/** The title being watched (for the heading and "Next episode"); null until loaded or without ?title=. */
export function useTitleInfo(titleId: string | null, videoId: string): TitleInfo | null {
  const [info, setInfo] = useState<TitleInfo | null>(null);
  useEffect(() => {
    if (!titleId) return;
    let live = true;
    api<Title>(`/api/v1/titles/${encodeURIComponent(titleId)}`, { auth: 'profile', redirectOnExpiry: false })
      .then((t) => live && setInfo({ title: t, ...locateEpisode(t, videoId) }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [titleId, videoId]);
  return info;
}
