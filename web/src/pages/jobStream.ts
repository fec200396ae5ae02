import { apiResponse } from '../api';
import type { StudioJob } from './studioData';

export type JobUpdate = StudioJob & { etaSec: number | null };

/** Splits a Server-Sent Events text stream into events; returns what is left of an unfinished one. */
export function takeEvents(buffer: string, emit: (event: string, data: string) => void): string {
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length > 0) emit(event, data.join('\n'));
  }
  return rest;
}

/**
 * Follows a job's progress stream until it ends (or `signal` aborts). Read with fetch rather
 * than EventSource so the token travels in the Authorization header, not in the URL.
 */
export async function followJob(jobId: string, onUpdate: (u: JobUpdate) => void, signal: AbortSignal): Promise<JobUpdate | null> {
  const res = await apiResponse(`/api/v1/studio/jobs/${encodeURIComponent(jobId)}/events`, { auth: 'account', signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let last: JobUpdate | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return last;
    buffer = takeEvents(buffer + value, (event, data) => {
      const update = JSON.parse(data) as JobUpdate;
      last = update;
      if (event === 'progress' || event === 'end') onUpdate(update);
    });
  }
}

/** 42 s, 3 min 5 s, 1 h 2 min. */
export function formatEta(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
