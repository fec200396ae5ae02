import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

interface Common {
  label: string;
  name: string;
  error?: string | null;
  /** data-testid; defaults to name. */
  testId?: string;
}

function Wrap({ label, name, error, children }: Omit<Common, 'testId'> & { children: ReactNode }) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={`f-${name}`}>{label}</label>
      {children}
      {error && (
        <span className="sr-only" id={`f-${name}-err`}>
          {error}
        </span>
      )}
    </div>
  );
}

export function TextField({ label, name, error, testId, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Wrap label={label} name={name} error={error}>
      <input
        id={`f-${name}`}
        name={name}
        data-testid={testId ?? name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `f-${name}-err` : undefined}
        {...input}
      />
    </Wrap>
  );
}

export function SelectField({
  label,
  name,
  error,
  testId,
  children,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Wrap label={label} name={name} error={error}>
      <select id={`f-${name}`} name={name} data-testid={testId ?? name} aria-invalid={error ? true : undefined} {...select}>
        {children}
      </select>
    </Wrap>
  );
}
