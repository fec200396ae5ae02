import { useState } from 'react';
import { signIn } from '../auth';
import { TextField } from '../components/Field';
import { useApiForm } from '../forms';
import { Link, navigate } from '../router';
import '../styles/auth.css';

export default function SignIn({ expired }: { expired: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useApiForm(async () => {
    await signIn(email.trim(), password);
    navigate('/profiles', { replace: true });
  });

  return (
    <main className="auth">
      <Link href="/signin" className="logo">
        MARQUEE
      </Link>
      <form className="auth-card" onSubmit={form.onSubmit} noValidate data-testid="signin-form">
        <h1>Sign in</h1>
        {expired && !form.error && (
          <div className="notice" role="status" data-testid="session-expired">
            Your session expired, please sign in again.
          </div>
        )}
        {form.error && (
          <div className="alert" role="alert" data-testid="form-error" data-code={form.error.code}>
            {form.error.message}
          </div>
        )}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={form.fieldError('email')}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={form.fieldError('password')}
        />
        <button className="btn btn-primary" type="submit" data-testid="submit" disabled={form.busy}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="auth-switch">
          New to Marquee? <Link href="/signup">Sign up now</Link>.
        </p>
      </form>
    </main>
  );
}
