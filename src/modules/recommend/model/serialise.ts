import type { RecModel } from './model.ts';
import type { Csr } from './sparse.ts';
import { DEFAULT_TRAIN_OPTIONS } from './types.ts';

type Typed = Int32Array | Float32Array;
const b64 = (a: Typed) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromB64<T extends Typed>(s: string, Kind: { new (b: ArrayBuffer): T }): T {
  const bytes = Buffer.from(s, 'base64');
  return new Kind(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}
const csrOut = (m: Csr) => ({ offsets: b64(m.offsets), cols: b64(m.cols), values: b64(m.values) });
const csrIn = (m: { offsets: string; cols: string; values: string }): Csr => ({ offsets: fromB64(m.offsets, Int32Array), cols: fromB64(m.cols, Int32Array), values: fromB64(m.values, Float32Array) });

/** JSON with typed arrays as base64: readable metadata, compact numbers. */
export function serialiseModel(model: RecModel): Buffer {
  const { itemIndex: _index, ...rest } = model;
  return Buffer.from(
    JSON.stringify({
      ...rest,
      popularity: b64(model.popularity),
      neighbours: csrOut(model.neighbours),
      hasCf: Buffer.from(model.hasCf).toString('base64'),
      content: { items: csrOut(model.content.items), postings: csrOut(model.content.postings) },
      embeddings: b64(model.embeddings),
      factorGram: b64(model.factorGram),
    }),
  );
}

export class ModelFormatError extends Error {}

export function deserialiseModel(b: Buffer): RecModel {
  const raw = JSON.parse(b.toString('utf8'));
  if (raw?.version !== 1) throw new ModelFormatError(`unsupported recommendation model version: ${raw?.version}`);
  const itemIds: string[] = raw.itemIds;
  return {
    ...raw,
    itemIds,
    // Settings added after a model was saved take their defaults.
    options: { ...DEFAULT_TRAIN_OPTIONS, ...raw.options },
    itemIndex: new Map(itemIds.map((id, i) => [id, i])),
    popularity: fromB64(raw.popularity, Float32Array),
    neighbours: csrIn(raw.neighbours),
    hasCf: new Uint8Array(Buffer.from(raw.hasCf, 'base64')),
    content: { items: csrIn(raw.content.items), postings: csrIn(raw.content.postings) },
    embeddings: fromB64(raw.embeddings, Float32Array),
    factorGram: fromB64(raw.factorGram, Float32Array),
  };
}
