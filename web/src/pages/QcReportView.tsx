import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api';
import { isAdmin, type QcReport, type QcStretch, type StudioVideo } from './studioData';

const KIND_LABEL: Record<string, string> = { decode: 'Decodes', duration: 'Duration', sync: 'A/V sync', quality: 'Quality', black: 'Black', frozen: 'Frozen' };
/** Failures first, then warnings: what an operator must look at tops the table. */
const STATUS_ORDER = ['fail', 'warn', 'pass', 'not_measured'];
const STATUS_LABEL: Record<string, string> = { pass: 'pass', fail: 'fail', warn: 'warning', not_measured: 'not measured' };

const stretchText = (xs: QcStretch[]) => (xs.length === 0 ? 'none' : xs.map((x) => `${x.startSec.toFixed(2)}–${x.endSec.toFixed(2)} s`).join(', '));

/** The QC gate's report for one video: every check, the black and frozen stretches, and (for admins) the override form. */
export function QcReportView({ video }: { video: StudioVideo }) {
  const [report, setReport] = useState<QcReport | null>(video.qc);
  const [status, setStatus] = useState(video.status);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  if (!report) return <p className="muted">No quality control report (encoded before QC existed, or not encoded yet).</p>;

  const override = async (e: FormEvent) => {
    e.preventDefault();
    setSending(true);
    setError(null);
    try {
      const updated = await api<StudioVideo>(`/api/v1/admin/videos/${encodeURIComponent(video.id)}/qc-override`, { method: 'POST', body: { reason }, auth: 'account' });
      setReport(updated.qc);
      setStatus(updated.status);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <section data-testid="qc-report">
      <p>
        <span className={`status ${report.verdict === 'pass' ? 'succeeded' : 'failed'}`} data-testid="qc-verdict">
          QC {report.verdict}
        </span>{' '}
        <span className="muted">
          checked {new Date(report.checkedAt).toLocaleString()}; video {status === 'qc_failed' ? 'held back from publishing' : status}
        </span>
      </p>
      {report.override && (
        <p data-testid="qc-override-record">
          Published by an admin override on {new Date(report.override.at).toLocaleString()}: “{report.override.reason}”
        </p>
      )}
      <table className="studio-table" data-testid="qc-checks">
        <thead>
          <tr>
            <th>Check</th>
            <th>Subject</th>
            <th>Result</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {[...report.checks].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status)).map((c, i) => (
            <tr key={i}>
              <td>{KIND_LABEL[c.kind] ?? c.kind}</td>
              <td>{c.subject}</td>
              <td>
                <span className={`status qc-${c.status}`}>{STATUS_LABEL[c.status] ?? c.status}</span>
              </td>
              <td>{c.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="qc-stretches">
        Black stretches: {stretchText(report.black)}. Frozen stretches: {stretchText(report.frozen)}.
      </p>
      {status === 'qc_failed' && isAdmin() && (
        <form className="qc-override" onSubmit={override} data-testid="qc-override-form">
          <label>
            Publish anyway — reason (recorded with your account)
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} rows={3} />
          </label>
          <button type="submit" disabled={sending || !reason.trim()}>
            Override QC and publish
          </button>
          {error && (
            <div className="alert" role="alert">
              {error}
            </div>
          )}
        </form>
      )}
    </section>
  );
}
