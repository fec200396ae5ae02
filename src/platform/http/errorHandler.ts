import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type ErrorKind } from '../errors.ts';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
  rate_limited: 429,
  not_licensed: 451,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** The one place where errors become HTTP responses: `{error: {code, message, field?}}`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError, request, reply) => {
    if (err instanceof DomainError) {
      if (err.details.retryAfterSec !== undefined) reply.header('retry-after', String(err.details.retryAfterSec));
      const sent = domainErrorResponse(err);
      return reply.status(sent.status).send(sent.body);
    }
    if (err.validation) {
      const first = err.validation[0];
      const missing = first?.params && 'missingProperty' in first.params ? String(first.params.missingProperty) : undefined;
      const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
      const field = missing ? (path ? `${path}.${missing}` : missing) : path || undefined;
      const where = err.validationContext ?? 'body';
      const message = field ? `${field} ${first?.message ?? 'is invalid'}` : `${where} ${first?.message ?? 'is invalid'}`;
      return reply.status(400).send(body('invalid_request', message, field));
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send(body('internal_error', 'Something went wrong on our side'));
    }
    // Fastify's own 4xx errors (bad JSON, unsupported content type, body too large).
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
    return reply.status(status).send(body(code, err.message));
  });
}

/** Status and body of a domain error, for handlers that write their own responses (tus uploads). */
export function domainErrorResponse(err: DomainError): { status: number; body: ErrorBody } {
  const sent = body(err.code, err.message, err.details.field);
  return { status: STATUS[err.kind], body: err.details.extra ? { error: { ...err.details.extra, ...sent.error } } : sent };
}

export function routeNotFound(method: string, url: string): ErrorBody {
  return body('route_not_found', `No route for ${method} ${url.split('?')[0]}`);
}

function body(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}
