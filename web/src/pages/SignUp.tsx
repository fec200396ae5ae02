import { useMemo, useState } from 'react';
import { signUp, type Plan } from '../auth';
import { SelectField, TextField } from '../components/Field';
import { useApiForm } from '../forms';
import { Link, navigate } from '../router';
import '../styles/auth.css';

const PLANS: { id: Plan; label: string }[] = [
  { id: 'basic', label: 'Basic: 1 screen, HD' },
  { id: 'standard', label: 'Standard: 2 screens, Full HD' },
  { id: 'premium', label: 'Premium: 4 screens, Ultra HD' },
];

const COUNTRIES = [
  'US', 'CA', 'MX', 'BR', 'AR', 'GB', 'IE', 'FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'CH', 'AT', 'SE', 'NO', 'DK',
  'FI', 'PL', 'PT', 'CZ', 'GR', 'TR', 'IL', 'AE', 'SA', 'EG', 'ZA', 'NG', 'KE', 'IN', 'PK', 'JP', 'KR', 'CN',
  'TW', 'HK', 'SG', 'MY', 'TH', 'VN', 'PH', 'ID', 'AU', 'NZ',
];

function guessCountry(): string {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const region = tag.split('-')[1]?.toUpperCase();
    if (region && /^[A-Z]{2}$/.test(region)) return region;
  }
  return 'US';
}

export default function SignUp() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [plan, setPlan] = useState<Plan>('standard');
  const [country, setCountry] = useState(guessCountry);
  const countries = useMemo(() => {
    const names = new Intl.DisplayNames(undefined, { type: 'region' });
    const codes = COUNTRIES.includes(country) ? COUNTRIES : [country, ...COUNTRIES];
    return codes.map((c) => ({ code: c, name: names.of(c) ?? c })).sort((a, b) => a.name.localeCompare(b.name));
  }, [country]);

  const form = useApiForm(async () => {
    await signUp(email.trim(), password, plan, country);
    navigate('/profiles', { replace: true });
  });

  return (
    <main className="auth">
      <Link href="/signin" className="logo">
        MARQUEE
      </Link>
      <form className="auth-card" onSubmit={form.onSubmit} noValidate data-testid="signup-form">
        <h1>Create your account</h1>
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
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={form.fieldError('password')}
        />
        <SelectField
          label="Plan"
          name="plan"
          value={plan}
          onChange={(e) => setPlan(e.target.value as Plan)}
          error={form.fieldError('plan')}
        >
          {PLANS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Country"
          name="country"
          value={country}
          onChange={(e) => setCountry(e.target.value)}
          error={form.fieldError('country')}
        >
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </SelectField>
        <button className="btn btn-primary" type="submit" data-testid="submit" disabled={form.busy}>
          {form.busy ? 'Creating account…' : 'Sign up'}
        </button>
        <p className="auth-switch">
          Already have an account? <Link href="/signin">Sign in</Link>.
        </p>
      </form>
    </main>
  );
}
