import pino, { type Logger } from 'pino';

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
export function createLogger(level: string): Logger {
  return pino({
    level,
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
  });
}
