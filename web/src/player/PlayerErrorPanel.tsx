import { EXPIRED_HREF } from '../api';
import { navigate } from '../router';
import { session } from '../session';
import type { PlayerError } from './errors';

interface Props {
  error: PlayerError;
  onRetry: () => void;
  onBack: () => void;
}

/** What went wrong, in words, with the one useful next step. */
export function PlayerErrorPanel({ error, onRetry, onBack }: Props) {
  return (
    <div className="player-error" role="alert" data-testid="player-error" data-kind={error.kind}>
      <h2>{error.title}</h2>
      <p>{error.message}</p>
      {error.code && <span className="code">Code: {error.code}</span>}
      <div className="actions">
        {error.kind === 'session_expired' ? (
          <button
            className="btn btn-primary"
            onClick={() => {
              session.clear();
              navigate(EXPIRED_HREF, { replace: true });
            }}
          >
            Sign in again
          </button>
        ) : (
          error.retryable && (
            <button className="btn btn-primary" data-testid="player-retry" onClick={onRetry}>
              Retry
            </button>
          )
        )}
        <button className="btn" onClick={onBack}>
          Back
        </button>
      </div>
    </div>
  );
}
