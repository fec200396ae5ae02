import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { ErrorView, Loading } from '../components/Status';
import { Link } from '../router';
import '../styles/studio.css';
import { followJob, formatEta, type JobUpdate } from './jobStream';
import { LadderChart } from './LadderChart';
import { QcReportView } from './QcReportView';
import type { StudioJob, StudioVideo } from './studioData';

/** Loads on mount and, while `poll` says so, every few seconds (jobs move through their stages). */
function usePolled<T>(load: () => Promise<T>, deps: unknown[], poll: (data: T) => boolean): { data: T | null; error: string | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () =>
      load()
        .then((d) => {
          if (!live) return;
          setData(d);
          if (poll(d)) timer = setTimeout(tick, 3000);
        })
        .catch((e) => live && setError(errorMessage(e)));
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, deps);
  return { data, error };
}

/** /studio: the partner's uploads and their encode jobs, newest first. */
export function StudioJobs() {
  const { data, error } = usePolled(
    () => api<{ items: StudioJob[] }>('/api/v1/studio/jobs', { auth: 'account' }),
    [],
    (d) => d.items.some((j) => j.status === 'queued' || j.status === 'running'),
  );
  if (error) return <ErrorView message={error} />;
  if (!data) return <Loading />;
  return (
    <main className="page studio">
      <p>
        <Link href="/">← Home</Link>
      </p>
      <h1 className="page-title">Studio</h1>
      {data.items.length === 0 ? (
        <p className="muted">No uploads yet.</p>
      ) : (
        <table className="studio-table" data-testid="studio-jobs">
          <thead>
            <tr>
              <th>File</th>
              <th>Uploaded</th>
              <th>Status</th>
              <th>Stage</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((j) => (
              <tr key={j.jobId}>
                <td>{j.status === 'succeeded' || j.error?.code === 'qc_failed' ? <Link href={`/studio/videos/${encodeURIComponent(j.videoId)}`}>{j.filename}</Link> : j.filename}</td>
                <td>{new Date(j.createdAt).toLocaleString()}</td>
                <JobCells job={j} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

/** Status and progress of one job; while it runs, live from its progress stream (stage, percent, ETA). */
function JobCells({ job }: { job: StudioJob }) {
  const [live, setLive] = useState<JobUpdate | null>(null);
  const active = job.status === 'queued' || job.status === 'running';
  useEffect(() => {
    if (!active) return;
    const stop = new AbortController();
    // A dropped stream is not an error worth showing: the list's own polling carries on.
    followJob(job.jobId, setLive, stop.signal).catch(() => undefined);
    return () => stop.abort();
  }, [job.jobId, active]);
  // Whichever is newer: the stream, or the list's latest poll.
  const j = live && live.updatedAt >= job.updatedAt ? { ...live, filename: job.filename } : job;
  const eta = live && j !== job && live.status === 'running' ? live.etaSec : null;
  return (
    <>
      <td>
        <span className={`status ${j.status}`} data-testid="job-status">
          {j.status}
        </span>
        {j.error && <div className="muted">{j.error.message}</div>}
      </td>
      <td data-testid="job-progress">
        <span data-testid="job-stage">{j.stage}</span> <progress max={1} value={j.progress} /> <span data-testid="job-percent">{Math.round(j.progress * 100)}%</span>
        {eta !== null && (
          <span className="muted" data-testid="job-eta">
            {' '}
            · about {formatEta(eta)} left
          </span>
        )}
      </td>
    </>
  );
}

/** /studio/videos/:id: how the ladder was chosen, and each rung's bitrate and measured quality. */
export function StudioVideoPage({ id }: { id: string }) {
  const { data, error } = usePolled(() => api<StudioVideo>(`/api/v1/studio/videos/${encodeURIComponent(id)}`, { auth: 'account' }), [id], () => false);
  if (error) return <ErrorView message={error} />;
  if (!data) return <Loading />;
  const ladder = data.ladder;
  const metric = ladder?.metric === 'psnr' ? 'PSNR (dB)' : 'VMAF';
  return (
    <main className="page studio">
      <p>
        <Link href="/studio">← Studio</Link>
      </p>
      <h1 className="page-title">Quality control</h1>
      <QcReportView video={data} />
      <h2>Encoding ladder</h2>
      {!ladder ? (
        <p className="muted">This video has no ladder report (encoded before reports existed, or not encoded yet).</p>
      ) : (
        <>
          <p className="muted" data-testid="ladder-mode">
            {ladder.mode === 'per-title'
              ? `Per-title ladder from ${ladder.points.length} trial encodes of ${ladder.samples.length} sample(s), scored with ${metric}.`
              : 'Fixed ladder (no per-title analysis).'}
            {ladder.note && ` ${ladder.note}.`}
          </p>
          <figure className="studio-chart">
            <LadderChart ladder={ladder} />
          </figure>
          <table className="studio-table" data-testid="ladder-rungs">
            <thead>
              <tr>
                <th>Rung</th>
                <th>Size</th>
                <th>Codec</th>
                <th>Bitrate cap</th>
                <th>CRF</th>
                <th>{metric} on the samples</th>
              </tr>
            </thead>
            <tbody>
              {ladder.rungs.map((r, i) => (
                <tr key={i}>
                  <td>{r.name}</td>
                  <td>
                    {r.width}×{r.height}
                  </td>
                  <td>{r.codec}</td>
                  <td>{r.videoKbps} kbit/s</td>
                  <td>{r.crf ?? '–'}</td>
                  <td>{r.score === null ? '–' : r.score.toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
