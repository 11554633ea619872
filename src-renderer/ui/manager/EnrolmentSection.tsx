/**
 * Enrolment with the payment core, on the settings screen: what the counter is enrolled with now (core, key
 * id, terminal, issuer; never the secret), and a form for what `npm run core -- enroll-terminal` printed.
 * The host checks it with the core before it saves anything (`core.enrol`); a refusal says what was wrong.
 * Re-enrolling while messages wait for the core shows what is queued and asks for a tick first. Its own
 * form (the settings form beside it saves other things with its own manager PIN).
 */
import { useState } from 'react';
import type { ManagerCredentials, Settings } from '../../state/manager-slice';
import { useContext } from 'react';
import { ManagerSelf, useManager, useMt } from './context';
import { Busy, Field, ManagerPin } from './parts';

export function EnrolmentSection({ settings }: { settings: Settings }) {
  const t = useMt();
  const busy = useManager((s) => s.busy);
  const enrol = useManager((s) => s.enrol);
  const answer = useManager((s) => s.enrolment);
  const self = useContext(ManagerSelf);
  const core = settings.core;
  const [form, setForm] = useState(() => ({
    coreUrl: core.url ?? '',
    keyId: '',
    secret: '',
    issuer: '',
    confirmQueued: false,
  }));
  const [manager, setManager] = useState<ManagerCredentials>({ managerId: self, managerPin: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const set = (k: 'coreUrl' | 'keyId' | 'secret' | 'issuer') => (e: React.ChangeEvent<HTMLInputElement>) => {
    setProblem(null);
    setForm({ ...form, [k]: e.target.value, confirmQueued: false });
  };

  const submit = async () => {
    const issuer = Number(form.issuer.trim());
    if (!/^\d{4,6}$/.test(form.issuer.trim()) || issuer < 1000) {
      setProblem(t.tk('enrol.badIssuer'));
      return;
    }
    const r = await enrol(
      {
        coreUrl: form.coreUrl.trim(),
        keyId: form.keyId.trim(),
        secret: form.secret.trim(),
        issuer,
        confirmQueued: form.confirmQueued,
      },
      manager,
    );
    setManager((m) => ({ ...m, managerPin: '' }));
    // Saved: the secret leaves the page at once (it is never shown again).
    if (r?.saved) setForm((f) => ({ ...f, keyId: '', secret: '', issuer: '', confirmQueued: false }));
  };

  const queued = answer && !answer.saved ? answer.queued : null;
  const kinds = (q: NonNullable<typeof queued>) =>
    q.kinds.map((k) => `${k.count} × ${t.tk(`queue.kind.${k.kind}`)}`).join(', ');

  return (
    <section className="enrolment" aria-labelledby="enrol-title">
      <h3 id="enrol-title">{t.tk('enrol.title')}</h3>
      <p role="status" data-testid="enrolment-state">
        {core.enrolled && core.url
          ? t.tk('enrol.current', {
              url: core.url,
              keyId: core.keyId ?? '—',
              terminal: core.terminalId ?? '—',
              issuer: core.issuer ?? '—',
            })
          : // No issuer yet (a new counter): it sells nothing until it is enrolled here.
            t.tk(core.issuer ? 'enrol.none' : 'enrol.notSetUp')}
        {core.enrolled && core.secretKeptIn ? ` ${t.tk(`enrol.keptIn.${core.secretKeptIn}`)}` : ''}
      </p>
      <p className="detail">{t.tk('enrol.intro')}</p>
      <form
        className="form-grid"
        aria-labelledby="enrol-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset>
          <legend>{t.tk('enrol.title')}</legend>
          <Field label={t.tk('enrol.coreUrl')} hint={t.tk('enrol.coreUrlHint')}>
            {(id, hint) => (
              <input
                id={id}
                type="url"
                aria-describedby={hint}
                autoComplete="off"
                value={form.coreUrl}
                onChange={set('coreUrl')}
                required
              />
            )}
          </Field>
          <Field label={t.tk('enrol.keyId')}>
            {(id) => (
              <input
                id={id}
                autoComplete="off"
                spellCheck={false}
                value={form.keyId}
                onChange={set('keyId')}
                required
              />
            )}
          </Field>
          <Field label={t.tk('enrol.secret')} hint={t.tk('enrol.secretHint')}>
            {(id, hint) => (
              <input
                id={id}
                type="password"
                aria-describedby={hint}
                autoComplete="off"
                spellCheck={false}
                value={form.secret}
                onChange={set('secret')}
                required
              />
            )}
          </Field>
          <Field label={t.tk('enrol.issuer')}>
            {(id) => (
              <input
                id={id}
                inputMode="numeric"
                autoComplete="off"
                value={form.issuer}
                onChange={set('issuer')}
                required
              />
            )}
          </Field>
        </fieldset>
        {queued ? (
          <div className="notice tone-info" role="status" data-testid="enrolment-queued">
            <p>
              {t.tk('enrol.queued', {
                count: queued.count,
                core: queued.coreUrl ?? '—',
                oldest: queued.oldestAt ? t.dateTime(queued.oldestAt) : '—',
                kinds: kinds(queued),
              })}
            </p>
            <label className="check">
              <input
                type="checkbox"
                checked={form.confirmQueued}
                onChange={(e) => setForm({ ...form, confirmQueued: e.target.checked })}
              />
              {t.tk('enrol.confirmQueued')}
            </label>
          </div>
        ) : null}
        {answer?.saved && answer.environmentOverrides ? (
          <p role="status" className="tone-bad">
            {t.tk('enrol.envOverrides')}
          </p>
        ) : null}
        <ManagerPin value={manager} onChange={setManager} />
        {problem ? (
          <p role="alert" className="tone-bad">
            {problem}
          </p>
        ) : null}
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={busy !== null || (queued !== null && !form.confirmQueued)}
          >
            {core.enrolled ? t.tk('enrol.resubmit') : t.tk('enrol.submit')}
          </button>
          <Busy when={busy === 'core.enrol'} />
        </div>
      </form>
    </section>
  );
}
