import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from './api';

export interface FormError {
  message: string;
  field?: string;
  code?: string;
}

/** Submit state for API-backed forms: busy flag, server message, and which field it names. */
export function useApiForm(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const form = e.currentTarget;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      const fe: FormError =
        err instanceof ApiError
          ? { message: err.message, field: err.field, code: err.code }
          : { message: errorMessage(err) };
      setError(fe);
      if (fe.field) form.querySelector<HTMLElement>(`[name="${CSS.escape(fe.field)}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  };

  /** The message to show under a field, when the server named it. */
  const fieldError = (name: string): string | null => (error?.field === name ? error.message : null);

  return { busy, error, setError, onSubmit, fieldError };
}
