import { PermanentJobError } from '../../../platform/jobs/index.ts';
import { qcSummary, type QcReport } from './verdict.ts';

/**
 * Ends an encode job whose output failed QC: the job fails (code qc_failed, the summary as its
 * message) because its goal, a published video, was not reached; the encoded assets stay stored
 * and the video waits as qc_failed, so an admin override publishes without re-encoding.
 */
export class QcBlockedError extends PermanentJobError {
  constructor(readonly report: QcReport) {
    super('qc_failed', qcSummary(report));
  }
}
