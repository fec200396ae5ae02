import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { COMMON_SYSTEM_ID, commonPssh, encryptInitSegment, encryptMediaSegment, nalSubsamples } from './cenc.ts';
import { ffmpegPath, tempDir } from './testSupport.ts';

const run = promisify(execFile);
const nal = (type: number, size: number) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(size);
  return Buffer.concat([length, Buffer.from([type]), Buffer.alloc(size - 1, 0xab)]);
};

describe('nalSubsamples', () => {
  const cases: { name: string; sample: Buffer; want: { clear: number; protected: number }[] }[] = [
    { name: 'a slice keeps its length and header clear and protects whole blocks', sample: nal(0x65, 1 + 40), want: [{ clear: 4 + 1 + 8, protected: 32 }] },
    { name: 'parameter sets and SEI stay clear and join the next clear run', sample: Buffer.concat([nal(0x67, 20), nal(0x68, 6), nal(0x06, 30), nal(0x65, 1 + 64)]), want: [{ clear: 24 + 10 + 34 + 5, protected: 64 }] },
    { name: 'a slice too short for a block is all clear', sample: nal(0x41, 12), want: [{ clear: 16, protected: 0 }] },
    { name: 'trailing clear NAL units end in their own entry', sample: Buffer.concat([nal(0x41, 1 + 16), nal(0x0c, 10)]), want: [{ clear: 5, protected: 16 }, { clear: 14, protected: 0 }] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(nalSubsamples(c.sample, 4, 'avc'), c.want));

  test('clear runs past 65535 bytes are split', () => {
    const subs = nalSubsamples(Buffer.concat([nal(0x06, 70_000), nal(0x65, 1 + 16)]), 4, 'avc');
    assert.deepEqual(subs, [{ clear: 65535, protected: 0 }, { clear: 70_004 + 5 - 65535, protected: 16 }]);
  });

  test('a NAL unit running past the sample is refused', () => {
    assert.throws(() => nalSubsamples(Buffer.concat([nal(0x65, 40)]).subarray(0, 30), 4, 'avc'), /past the sample/);
  });
});

test('the common pssh names the key id under the W3C common system id', () => {
  const kid = Buffer.alloc(16, 0x42);
  const pssh = commonPssh(kid);
  assert.equal(pssh.readUInt32BE(0), pssh.length);
  assert.equal(pssh.toString('latin1', 4, 8), 'pssh');
  assert.equal(pssh[8], 1, 'version 1 carries key ids');
  assert.deepEqual(pssh.subarray(12, 28), COMMON_SYSTEM_ID);
  assert.equal(pssh.readUInt32BE(28), 1);
  assert.deepEqual(pssh.subarray(32, 48), kid);
});

describe('encrypting a real CMAF ladder', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const kid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

  before(async () => {
    ({ dir, cleanup } = await tempDir('cenc-'));
    await mkdir(join(dir, 'clear'));
    await run(ffmpegPath, [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=192x108:rate=25:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4',
      '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:v', '200k',
      '-f', 'dash', '-seg_duration', '2', '-use_template', '1', '-use_timeline', '0',
      '-init_seg_name', 'init-$RepresentationID$.mp4', '-media_seg_name', 'chunk-$RepresentationID$-$Number%05d$.mp4',
      '-adaptation_sets', 'id=0,streams=v id=1,streams=a', join(dir, 'clear', 'manifest.mpd'),
    ]);
  });
  after(() => cleanup());

  /** Decodes init + segments of one representation with ffmpeg (with a decryption key if given): the frames' checksums. */
  const frames = async (files: Buffer[], decryptionKey?: Buffer): Promise<string> => {
    const joined = join(dir, `joined-${Math.random().toString(36).slice(2)}.mp4`);
    await writeFile(joined, Buffer.concat(files));
    const args = ['-hide_banner', '-loglevel', 'error', ...(decryptionKey ? ['-decryption_key', decryptionKey.toString('hex')] : []), '-i', joined, '-f', 'framemd5', '-'];
    const out = await run(ffmpegPath, args, { maxBuffer: 16 * 1024 * 1024 }).then((r) => r.stdout, (e: { stdout?: string }) => e.stdout ?? 'failed');
    return out.split('\n').filter((l) => l && !l.startsWith('#')).join('\n');
  };

  for (const [rep, kind] of [['0', 'video'], ['1', 'audio']] as const) {
    test(`${kind}: encrypted segments decode to the same frames with the key, and not without it`, async () => {
      const names = (await readdir(join(dir, 'clear'))).filter((f) => f.startsWith(`chunk-${rep}-`)).sort();
      assert.ok(names.length >= 2);
      const clearInit = await readFile(join(dir, 'clear', `init-${rep}.mp4`));
      const clearSegments = await Promise.all(names.map((n) => readFile(join(dir, 'clear', n))));
      const { segment: init, tracks } = encryptInitSegment(clearInit, kid);
      assert.equal([...tracks.values()][0]!.kind, kind);
      assert.ok(init.includes(Buffer.from(kind === 'video' ? 'encv' : 'enca')) && init.includes(kid));
      const encrypted = clearSegments.map((s) => encryptMediaSegment(s, tracks, key));
      for (const [i, e] of encrypted.entries()) {
        assert.ok(e.includes(Buffer.from('senc')) && e.includes(Buffer.from('saiz')) && e.includes(Buffer.from('saio')));
        assert.notDeepEqual(e.subarray(e.length - 64), clearSegments[i]!.subarray(clearSegments[i]!.length - 64), 'the media data changed');
      }
      const reference = await frames([clearInit, ...clearSegments]);
      assert.ok(reference.length > 0);
      assert.equal(await frames([init, ...encrypted], key), reference);
      assert.notEqual(await frames([init, ...encrypted], Buffer.alloc(16)), reference);
    });
  }
});
