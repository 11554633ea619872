import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApp, useT } from './context';
import { FirstManager } from './FirstManager';

/**
 * Sign-in: who you are (staff.list: a button per person; pressed is marked), then your PIN (staff.verify).
 * The PIN field has focus on arrival; choosing a person moves focus back to it. The PIN is sent only with a
 * person chosen, so a wrong guess never counts against somebody else's lockout.
 */
export function SignIn() {
  const t = useT();
  const host = useApp((s) => s.host);
  const staffList = useApp((s) => s.staffList);
  const picked = useApp((s) => s.pickedStaffId);
  const pick = useApp((s) => s.pickStaff);
  const signingIn = useApp((s) => s.signingIn);
  const error = useApp((s) => s.signInError);
  const signIn = useApp((s) => s.signIn);
  const probeHost = useApp((s) => s.probeHost);
  const loadStaff = useApp((s) => s.loadStaff);
  const [pin, setPin] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const person = staffList?.find((s) => s.staffId === picked) ?? null;
  useEffect(() => input.current?.focus(), [picked]);

  const unreachable = host === 'unreachable';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pin === '' || unreachable || !person) return;
    void signIn(pin).then(() => setPin(''));
  };
  const retry = () => {
    void probeHost();
    void loadStaff();
  };
  // A new counter: nobody to sign in as; the first manager is created instead.
  if (staffList?.length === 0 && !unreachable) return <FirstManager />;
  const message = unreachable ? (
    <p role="alert" className="tone-bad">
      {t.t('signIn.hostUnreachable')}
    </p>
  ) : error ? (
    <p role="alert" className="tone-bad">
      {error.code === 'STAFF_LOCKED_OUT' ? t.t('signIn.lockedOut') : t.t('signIn.wrongPin')}
    </p>
  ) : signingIn ? (
    <p>{t.t('signIn.checking')}</p>
  ) : staffList?.length === 0 ? (
    <p>{t.t('signIn.noStaff')}</p>
  ) : null;

  return (
    <main className="sign-in" aria-labelledby="sign-in-title">
      <form onSubmit={submit} className="card">
        <h1 id="sign-in-title">{t.t('signIn.title')}</h1>
        {staffList && staffList.length > 0 ? (
          <div role="group" aria-labelledby="staff-pick-label" className="staff-pick">
            <span id="staff-pick-label" className="group-label">
              {t.t('signIn.pickStaff')}
            </span>
            {staffList.map((s) => (
              <button
                key={s.staffId}
                type="button"
                aria-pressed={s.staffId === picked}
                disabled={s.locked || unreachable}
                onClick={() => pick(s.staffId)}
              >
                {s.locked ? t.t('signIn.locked', { name: s.name }) : s.name}
              </button>
            ))}
          </div>
        ) : null}
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
        <div id="sign-in-message" className="message-slot" aria-live="polite">
          {person && !message ? <p>{t.t('signIn.pinFor', { name: person.name })}</p> : message}
        </div>
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={unreachable || signingIn || pin === '' || !person}
          >
            {t.t('signIn.submit')}
          </button>
          <button type="button" onClick={retry} disabled={!unreachable}>
            {t.t('signIn.retry')}
          </button>
        </div>
      </form>
    </main>
  );
}
