/**
 * Domain errors. Services throw these; one handler (http/errorHandler.ts) maps them to HTTP.
 * Each carries a stable snake_case `code` that clients and tests rely on.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media'
  | 'unprocessable'
  | 'rate_limited'
  | 'not_licensed'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    /** `extra`: more fields for the error body beside code and message (e.g. which streams hold the screens). */
    readonly details: { field?: string; retryAfterSec?: number; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, field?: string) => new DomainError('invalid', code, message, field ? { field } : {});
export const unauthenticated = (code: string, message: string) => new DomainError('unauthenticated', code, message);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string, field?: string) => new DomainError('conflict', code, message, field ? { field } : {});
export const tooLarge = (code: string, message: string) => new DomainError('too_large', code, message);
export const unsupportedMedia = (code: string, message: string) => new DomainError('unsupported_media', code, message);
export const rateLimited = (code: string, message: string, retryAfterSec: number) => new DomainError('rate_limited', code, message, { retryAfterSec });
export const notLicensed = (code: string, message: string) => new DomainError('not_licensed', code, message);
export const unavailable = (code: string, message: string, retryAfterSec = 5) => new DomainError('unavailable', code, message, { retryAfterSec });
