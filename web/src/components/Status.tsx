import type { ReactNode } from 'react';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="center" role="status" data-testid="loading">
      <div className="spinner" />
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function ErrorView({ message, children }: { message: string; children?: ReactNode }) {
  return (
    <div className="center">
      <div className="alert" role="alert" data-testid="page-error">
        {message}
      </div>
      {children}
    </div>
  );
}
