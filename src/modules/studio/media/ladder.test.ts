import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedLadder, DEFAULT_LADDER, MIN_RUNGS, videoKbpsFor, type LadderStep } from './ladder.ts';

const sizes = (w: number, h: number) => fixedLadder({ width: w, height: h }).map((r) => `${r.name}:${r.width}x${r.height}`);

test('fixedLadder picks the expected rungs', async (t) => {
  const cases: Array<[string, number, number, string[]]> = [
    ['1080p source gets the whole default ladder', 1920, 1080, ['1080p:1920x1080', '720p:1280x720', '480p:854x480', '360p:640x360', '240p:426x240', '144p:256x144']],
    ['4K is capped at the top rung', 3840, 2160, ['1080p:1920x1080', '720p:1280x720', '480p:854x480', '360p:640x360', '240p:426x240', '144p:256x144']],
    ['720p source starts at 720p', 1280, 720, ['720p:1280x720', '480p:854x480', '360p:640x360', '240p:426x240', '144p:256x144']],
    ['scope film fits the 1080p box at its own size', 1920, 818, ['1080p:1920x818', '720p:1280x546', '480p:854x364', '360p:640x272', '240p:426x182', '144p:256x110']],
    ['between ladder heights: the source height is the top rung', 960, 540, ['540p:960x540', '480p:854x480', '360p:640x360', '240p:426x240', '144p:256x144']],
    ['odd source size is rounded down to even', 1001, 563, ['562p:1000x562', '480p:854x480', '360p:640x360', '240p:426x240', '144p:256x144']],
    ['a rung too close to the source is dropped', 900, 506, ['506p:900x506', '360p:640x360', '240p:426x240', '144p:256x144']],
    ['360p source is filled to four rungs', 640, 360, ['360p:640x360', '240p:426x240', '186p:330x186', '144p:256x144']],
    ['240p source is filled to four rungs', 426, 240, ['240p:426x240', '186p:330x186', '144p:256x144', '108p:192x108']],
    ['144p source is filled below 144p', 256, 144, ['144p:256x144', '108p:192x108', '82p:144x82', '62p:110x62']],
    ['4:3 source keeps its shape', 640, 480, ['480p:640x480', '360p:480x360', '240p:320x240', '144p:192x144']],
    ['portrait phone video uses boxes on their side', 1080, 1920, ['1080p:1080x1920', '720p:720x1280', '480p:480x854', '360p:360x640', '240p:240x426', '144p:144x256']],
    ['tiny source below 144p: just itself', 160, 120, ['120p:160x120']],
    ['slightly over a box: scaled into it, aspect kept over a round width', 1922, 1082, ['1080p:1918x1080', '720p:1278x720', '480p:852x480', '360p:640x360', '240p:426x240', '144p:256x144']],
  ];
  for (const [name, w, h, expected] of cases) {
    await t.test(`${name} (${w}x${h})`, () => assert.deepEqual(sizes(w, h), expected));
  }
});

test('fixedLadder invariants hold over many source sizes', () => {
  const widths = [98, 144, 176, 240, 256, 320, 352, 426, 480, 640, 720, 854, 960, 1001, 1280, 1366, 1440, 1920, 2560, 3840];
  const aspects = [16 / 9, 4 / 3, 2.39, 1, 9 / 16, 3 / 4, 21 / 9];
  for (const w of widths) {
    for (const aspect of aspects) {
      const h = Math.round(w / aspect);
      const rungs = fixedLadder({ width: w, height: h });
      const label = `${w}x${h}`;
      if (Math.min(w, h) >= 144) assert.ok(rungs.length >= MIN_RUNGS, `${label}: ${rungs.length} rungs`);
      assert.ok(rungs.length >= 1, label);
      assert.equal(new Set(rungs.map((r) => r.name)).size, rungs.length, `${label}: names unique`);
      rungs.forEach((r, i) => {
        assert.equal(r.width % 2, 0, `${label} ${r.name}: even width`);
        assert.equal(r.height % 2, 0, `${label} ${r.name}: even height`);
        assert.ok(r.width <= Math.max(2, w) && r.height <= Math.max(2, h), `${label} ${r.name}: not upscaled`);
        // Even rounding moves at most one pixel per side; allow that much aspect error.
        const aspectError = Math.abs(r.width / r.height - w / h) / (w / h);
        assert.ok(aspectError < 2.5 / Math.min(r.width, r.height), `${label} ${r.name}: aspect kept (${r.width}x${r.height})`);
        assert.ok(r.maxrateKbps === r.videoKbps && r.bufsizeKbps === 2 * r.videoKbps, `${label} ${r.name}: VBV cap at the nominal rate`);
        assert.equal(r.audioKbps, 128);
        const above = rungs[i - 1];
        if (above) {
          assert.ok(above.width * above.height > r.width * r.height, `${label}: rungs shrink`);
          assert.ok(above.videoKbps > r.videoKbps, `${label}: bitrates fall`);
        }
      });
    }
  }
});

test('full-box rungs get the table bitrate; others are interpolated between steps', () => {
  const byName = Object.fromEntries(fixedLadder({ width: 1920, height: 1080 }).map((r) => [r.name, r]));
  for (const step of DEFAULT_LADDER) assert.equal(byName[step.name]?.videoKbps, step.videoKbps, step.name);

  const scope = fixedLadder({ width: 1920, height: 818 })[0]!;
  assert.ok(scope.videoKbps < 5000 && scope.videoKbps > 2800, `1920x818 at ${scope.videoKbps} kbps`);
  assert.equal(scope.maxrateKbps, scope.videoKbps);
  assert.equal(scope.bufsizeKbps, scope.videoKbps * 2);
});

test('videoKbpsFor extrapolates below the ladder with a floor', () => {
  assert.equal(videoKbpsFor(1280 * 720, DEFAULT_LADDER), 2800);
  const tiny = videoKbpsFor(64 * 36, DEFAULT_LADDER);
  assert.ok(tiny >= 48 && tiny < 200, String(tiny));
  assert.ok(videoKbpsFor(1000 * 562, DEFAULT_LADDER) > 1400 && videoKbpsFor(1000 * 562, DEFAULT_LADDER) < 2800);
});

test('a custom fixed ladder is honoured', () => {
  const ladder: LadderStep[] = [
    { name: 'hd', width: 1280, height: 720, videoKbps: 3000, audioKbps: 96 },
    { name: 'sd', width: 640, height: 360, videoKbps: 900, audioKbps: 96 },
  ];
  const rungs = fixedLadder({ width: 1920, height: 1080 }, ladder);
  // The 4x gap between the two steps gets the extra rungs a short ladder needs.
  assert.deepEqual(
    rungs.map((r) => `${r.name}:${r.width}x${r.height}`),
    ['hd:1280x720', '510p:906x510', '428p:762x428', 'sd:640x360'],
  );
  assert.equal(rungs[0]!.videoKbps, 3000);
  assert.equal(rungs[3]!.videoKbps, 900);
  assert.ok(rungs.every((r) => r.audioKbps === 96));
});

test('fixedLadder rejects impossible sizes', () => {
  for (const [w, h] of [[0, 720], [1280, 0], [-1, 5], [Number.NaN, 720], [Infinity, 720]] as const) {
    assert.throws(() => fixedLadder({ width: w, height: h }), RangeError, `${w}x${h}`);
  }
  assert.throws(() => fixedLadder({ width: 1280, height: 720 }, []), RangeError);
});
