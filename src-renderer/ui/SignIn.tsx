import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApp, useT } from './context';

export function SignIn() {
  const t = useT();
  const host = useApp((s) => s.host);
  const signingIn = useApp((s) => s.signingIn);
  const error = useApp((s) => s.signInError);
  const signIn = useApp((s) => s.signIn);
  const probeHost = useApp((s) => s.probeHost);
  const [pin, setPin] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const unreachable = host === 'unreachable';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pin === '' || unreachable) return;
    void signIn(pin).then(() => setPin(''));
  };

  return (
    <main className="sign-in" aria-labelledby="sign-in-title">
      <form onSubmit={submit} className="card">
        <h1 id="sign-in-title">{t.t('signIn.title')}</h1>
        <label htmlFor="pin">{t.t('signIn.pinLabel')}</label>
        <input
          id="pin"
          ref={input}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={pin}
          maxLength={12}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          aria-invalid={error ? true : undefined}
          aria-describedby="sign-in-message"
        />
        <div id="sign-in-message" className="message-slot">
          {unreachable ? (
            <p role="alert" className="tone-bad">
              {t.t('signIn.hostUnreachable')}
            </p>
          ) : error ? (
            <p role="alert" className="tone-bad">
              {error.code === 'STAFF_LOCKED_OUT' ? t.t('signIn.lockedOut') : t.t('signIn.wrongPin')}
            </p>
          ) : signingIn ? (
            <p>{t.t('signIn.checking')}</p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={unreachable || signingIn || pin === ''}>
            {t.t('signIn.submit')}
          </button>
          <button type="button" onClick={() => void probeHost()} disabled={!unreachable}>
            {t.t('signIn.retry')}
          </button>
        </div>
      </form>
    </main>
  );
}
