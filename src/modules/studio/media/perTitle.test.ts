import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveMetric } from './perTitle.ts';

const MODEL = join(import.meta.dirname, '../../../../../shared/models/vmaf/vmaf_v0.6.1.pkl');

test('resolveMetric: VMAF with a model file, PSNR with a reason without one', async () => {
  assert.deepEqual(await resolveMetric(MODEL), { metric: 'vmaf', modelPath: MODEL });
  const missing = await resolveMetric('/nonexistent/vmaf.pkl');
  assert.equal(missing.metric, 'psnr');
  assert.match(missing.note!, /no VMAF model at \/nonexistent\/vmaf\.pkl: scored with PSNR/);
  const unset = await resolveMetric(undefined);
  assert.equal(unset.metric, 'psnr');
  assert.match(unset.note!, /VMAF_MODEL_PATH/);
});
