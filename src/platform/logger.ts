import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

/** The request a piece of work belongs to, so every log line it writes names it. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** Request id and, when tracing is on, trace id: on every line, whichever module writes it. */
function correlation(): Record<string, string> {
  const scope = requestScope.getStore();
  const span = trace.getActiveSpan()?.spanContext();
  return { ...(scope ? { reqId: scope.requestId } : {}), ...(span && trace.isSpanContextValid(span) ? { traceId: span.traceId } : {}) };
}

/** Signed media paths carry a capability (`/media/<token>/…`): logs keep the path, not the token. */
export const redactSignedPath = (url: string): string => url.replace(/^\/media\/[^/]+\//, '/media/[signed]/');

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Secrets never reach the logs: tokens, passwords and signed-URL signatures are redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    mixin: correlation,
    serializers: {
      req: (req: LoggedRequest) => ({ method: req.method, url: redactSignedPath(req.url ?? ''), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'password',
        '*.password',
        'refreshToken',
        '*.refreshToken',
        'accessToken',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
