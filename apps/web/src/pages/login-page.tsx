import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';
import { errorMessage } from '../format';
import { useSession } from '../session';

export function LoginPage() {
  const { t } = useTranslation();
  const { login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password, needsTotp ? totp : undefined);
    } catch (err) {
      if (err instanceof ApiError && err.details?.totpRequired) setNeedsTotp(true);
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)}>
      <h1>{t('login.heading')}</h1>
      <label>
        {t('login.username')}
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        {t('login.password')}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {needsTotp && (
        <label>
          {t('login.totp')}
          <input name="totp" inputMode="numeric" value={totp} onChange={(e) => setTotp(e.target.value)} />
        </label>
      )}
      <button type="submit" disabled={busy || !username || !password}>
        {t('login.submit')}
      </button>
      {error && (
        <p className="error" role="alert">
          {t('login.failed', { message: error })}
        </p>
      )}
    </form>
  );
}
