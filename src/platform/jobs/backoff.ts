/** Seconds to wait before retry number `attempt` (1-based): exponential, capped, no thundering herd. */
export function retryDelaySec(attempt: number, baseSec = 2, capSec = 300, jitter: () => number = Math.random): number {
  const exp = Math.min(capSec, baseSec * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.8 + 0.4 * jitter()) * 1000) / 1000;
}
