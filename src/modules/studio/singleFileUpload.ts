import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { invalid } from '../../platform/errors.ts';

/** The multipart parser's own error for a file past the size limit. */
const isFileTooLarge = (err: unknown): boolean => err instanceof Error && 'code' in err && err.code === 'FST_REQ_FILE_TOO_LARGE';

/**
 * Reads a multipart request that carries one file: `accept` gets the first file part with the
 * fields sent before it, and its result is returned. The whole request is read even when it is
 * refused: a client still sending its body would otherwise see a reset connection instead of our 4xx.
 */
export async function acceptSingleFile<T>(
  request: FastifyRequest,
  limits: { fileSize: number; fields: number; tooLarge: () => Error },
  accept: (file: MultipartFile, fields: Record<string, string>) => Promise<T>,
): Promise<T> {
  const fields: Record<string, string> = {};
  let accepted: { result: T } | undefined;
  let failure: unknown;
  try {
    for await (const part of request.parts({ limits: { fileSize: limits.fileSize, files: 1, fields: limits.fields } })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
      } else if (accepted || failure) {
        part.file.resume();
      } else {
        try {
          accepted = { result: await accept(part, fields) };
        } catch (err) {
          failure = err;
          part.file.resume();
        }
      }
    }
  } catch (err) {
    failure ??= err;
  }
  if (isFileTooLarge(failure)) throw limits.tooLarge();
  if (failure) throw failure;
  if (!accepted) throw invalid('file_required', 'file is required', 'file');
  return accepted.result;
}
