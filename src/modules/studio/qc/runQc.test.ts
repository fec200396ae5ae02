import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { LadderReport } from '../media/encodeTitle.ts';
import { ffmpegPath, ffprobePath, makeClip, tempDir } from '../media/testSupport.ts';
import { runQc } from './runQc.ts';

// runQc on packages the dash muxer writes directly (two H.264 renditions and AAC, 2 s CMAF
// segments, our segment names), so each test can damage one thing and see QC name it.
const run = promisify(execFile);
let dir: string;
let cleanup: () => Promise<void>;

const RUNGS = [
  { name: '240p', width: 320, height: 240 },
  { name: '120p', width: 160, height: 120 },
];
const FIXED: LadderReport = { mode: 'fixed', metric: null, samples: [], points: [], hull: [], rungs: RUNGS.map((r) => ({ ...r, codec: 'avc1.64000d', videoKbps: 300, crf: 23, score: null })) };

async function packageOf(source: string, name: string): Promise<string> {
  const out = join(dir, name);
  await mkdir(out, { recursive: true });
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-i', source, '-map', '0:v:0', '-map', '0:v:0', '-map', '0:a:0', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  RUNGS.forEach((r, i) => args.push(`-s:v:${i}`, `${r.width}x${r.height}`));
  args.push('-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-c:a', 'aac', '-ar', '48000', '-ac', '2');
  args.push('-f', 'dash', '-seg_duration', '2', '-use_template', '1', '-use_timeline', '0', '-init_seg_name', 'init-stream$RepresentationID$.$ext$', '-media_seg_name', 'chunk-stream$RepresentationID$-$Number%05d$.$ext$', '-dash_segment_type', 'mp4', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', join(out, 'manifest.mpd'));
  await run(ffmpegPath, args);
  return out;
}

const qcOf = (sourcePath: string, outDir: string, ladder: LadderReport = FIXED) => runQc({ ffmpegPath, ffprobePath, sourcePath, outDir, dash: 'manifest.mpd', fps: 25, ladder });
const statusOf = (report: Awaited<ReturnType<typeof qcOf>>, kind: string, subject: string) => report.checks.find((c) => c.kind === kind && c.subject === subject)?.status;

let clip: string;
before(async () => {
  ({ dir, cleanup } = await tempDir('qc'));
  clip = await makeClip(dir, 'clip.mp4', { seconds: 4 });
});
after(() => cleanup());

describe('runQc', () => {
  test('a sound package passes: every rendition and the audio decode, last as long as the source, in sync', async () => {
    const report = await qcOf(clip, await packageOf(clip, 'sound'));
    assert.equal(report.verdict, 'pass', JSON.stringify(report.checks, null, 1));
    assert.deepEqual(
      report.checks.filter((c) => c.kind === 'decode').map((c) => [c.subject, c.status]),
      [
        ['240p H.264', 'pass'],
        ['120p H.264', 'pass'],
        ['audio', 'pass'],
      ],
    );
    assert.equal(report.checks.filter((c) => c.kind === 'duration' && c.status === 'pass').length, 3);
    assert.equal(statusOf(report, 'sync', 'audio'), 'pass');
    assert.ok(report.checks.filter((c) => c.kind === 'quality').every((c) => c.status === 'not_measured'));
  });

  test('nothing is left in the package folder', async () => {
    const out = await packageOf(clip, 'clean');
    const before = (await readdir(out)).sort();
    await qcOf(clip, out);
    assert.deepEqual((await readdir(out)).sort(), before);
  });

  test('a rendition missing its last segment fails its duration check', async () => {
    const out = await packageOf(clip, 'short');
    await rm(join(out, 'chunk-stream1-00002.mp4'));
    const report = await qcOf(clip, out);
    assert.equal(report.verdict, 'fail');
    assert.equal(statusOf(report, 'duration', '120p H.264'), 'fail');
    assert.equal(statusOf(report, 'duration', '240p H.264'), 'pass');
  });

  test('a damaged segment fails its decode check', async () => {
    const out = await packageOf(clip, 'damaged');
    const segment = join(out, 'chunk-stream0-00001.mp4');
    const { size } = await stat(segment);
    const handle = await open(segment, 'r+');
    // Past the moof box, into the coded pictures.
    await handle.write(Buffer.alloc(Math.floor(size / 2), 0xa5), 0, Math.floor(size / 2), Math.floor(size / 4));
    await handle.close();
    const report = await qcOf(clip, out);
    assert.equal(statusOf(report, 'decode', '240p H.264'), 'fail', JSON.stringify(report.checks.filter((c) => c.kind === 'decode')));
    assert.equal(statusOf(report, 'decode', '120p H.264'), 'pass');
    assert.equal(report.verdict, 'fail');
  });

  test('audio 200 ms behind the picture fails the sync check', async () => {
    const late = join(dir, 'late.mp4');
    await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=4', '-itsoffset', '0.2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=4', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', late]);
    const report = await qcOf(late, await packageOf(late, 'late'));
    const sync = report.checks.find((c) => c.kind === 'sync')!;
    assert.equal(sync.status, 'fail', sync.message);
    assert.ok(sync.measured! > 100 && sync.measured! < 250, sync.message);
    assert.equal(report.verdict, 'fail');
  });

  test('per-title rungs are held to the score they were chosen for', async () => {
    const ladder: LadderReport = {
      ...FIXED,
      mode: 'per-title',
      metric: 'vmaf',
      points: [
        { width: 320, height: 240, crf: 23, kbps: 300, score: 95 },
        { width: 160, height: 120, crf: 23, kbps: 100, score: 80 },
      ],
      rungs: [
        { ...FIXED.rungs[0]!, score: 94 },
        { ...FIXED.rungs[1]!, score: 60 },
      ],
    };
    const report = await qcOf(clip, await packageOf(clip, 'scored'), ladder);
    assert.deepEqual(
      report.checks.filter((c) => c.kind === 'quality').map((c) => c.status),
      ['pass', 'fail'],
    );
  });

  test('black and frozen stretches of the source are found, each reported once', async () => {
    const part = (d: number) => `testsrc2=s=320x240:r=25:d=${d}`;
    const graph = `${part(3)}[a];${part(0.04)},loop=loop=49:size=1:start=0[b];color=c=black:s=320x240:r=25:d=2[c];${part(3)}[d];[a][b][c][d]concat=n=4:v=1:a=0[out0]`;
    const source = join(dir, 'stretches.mp4');
    await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', graph, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', source]);
    const report = await qcOf(source, await packageOf(source, 'stretches'));
    assert.equal(report.black.length, 1, JSON.stringify(report.black));
    assert.ok(Math.abs(report.black[0]!.startSec - 5) < 0.2 && Math.abs(report.black[0]!.endSec - 7) < 0.2);
    assert.equal(report.frozen.length, 1, JSON.stringify(report.frozen));
    assert.ok(report.frozen[0]!.startSec >= 2.9 && report.frozen[0]!.startSec < 3.5 && Math.abs(report.frozen[0]!.endSec - 5) < 0.2);
    assert.equal(statusOf(report, 'black', 'source'), 'warn');
    assert.equal(statusOf(report, 'frozen', 'source'), 'warn');
    assert.equal(report.verdict, 'pass');
  });
});
