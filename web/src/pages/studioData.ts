import { session } from '../session';

export interface LadderPoint {
  width: number;
  height: number;
  crf: number;
  kbps: number;
  score: number;
}

export interface LadderReport {
  mode: 'per-title' | 'fixed';
  metric: 'vmaf' | 'psnr' | null;
  note?: string;
  samples: { startSec: number; durationSec: number }[];
  points: LadderPoint[];
  hull: LadderPoint[];
  rungs: { name: string; width: number; height: number; codec: string; videoKbps: number; crf: number | null; score: number | null }[];
}

export interface StudioJob {
  jobId: string;
  titleId: string;
  videoId: string;
  filename: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  stage: string;
  progress: number;
  error?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
}

export interface StudioVideo {
  id: string;
  status: string;
  titleId: string;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  ladder: LadderReport | null;
  qc: QcReport | null;
}

export interface QcCheck {
  kind: 'decode' | 'duration' | 'sync' | 'quality' | 'black' | 'frozen';
  subject: string;
  status: 'pass' | 'fail' | 'warn' | 'not_measured';
  message: string;
  measured?: number;
  limit?: number;
}

export interface QcStretch {
  startSec: number;
  endSec: number;
}

/** The quality control gate's report: a fail holds the video back until an admin overrides it. */
export interface QcReport {
  verdict: 'pass' | 'fail';
  checkedAt: string;
  checks: QcCheck[];
  black: QcStretch[];
  frozen: QcStretch[];
  override?: { by: string; reason: string; at: string };
}

/** Partners and admins see the studio; the API checks again. */
export function canUseStudio(): boolean {
  const role = sessionRole();
  return role === 'partner' || role === 'admin';
}

/** Admins also see the QC override form; the API checks again. */
export function isAdmin(): boolean {
  return sessionRole() === 'admin';
}

function sessionRole(): string | undefined {
  const s = session.get();
  const token = s.accountToken ?? s.profileToken;
  try {
    const payload = JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: string };
    return payload.role;
  } catch {
    return undefined;
  }
}
