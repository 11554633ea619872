/** Small parts the manager screens share: the manager PIN fields, the notice line, a labelled field. */
import { useId, type ReactNode } from 'react';
import { localiseCoreTimes, type ManagerCredentials } from '../../state/manager-slice';
import { useManager, useMt } from './context';

export function Field({
  label,
  children,
  hint,
}: {
  label: string;
  hint?: string;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, hintId)}
      {hint ? (
        <span id={hintId} className="detail">
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** A reason or note a manager must give (3–200 characters, as the host contract asks). */
export function ReasonField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={label}>
      {(id) => (
        <input
          id={id}
          value={value}
          minLength={3}
          maxLength={200}
          onChange={(e) => onChange(e.target.value)}
          required
        />
      )}
    </Field>
  );
}

/** Manager id and PIN: every step that needs a manager asks for both (the signed-in manager is filled in). */
export function ManagerPin({
  value,
  onChange,
}: {
  value: ManagerCredentials;
  onChange: (v: ManagerCredentials) => void;
}) {
  const t = useMt();
  return (
    <fieldset className="manager-pin">
      <legend>{t.tk('manager.approval')}</legend>
      <Field label={t.tk('manager.managerId')}>
        {(id) => (
          <input
            id={id}
            name="managerId"
            autoComplete="off"
            value={value.managerId}
            onChange={(e) => onChange({ ...value, managerId: e.target.value })}
            required
          />
        )}
      </Field>
      <Field label={t.tk('manager.managerPin')}>
        {(id) => (
          <input
            id={id}
            name="managerPin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            pattern="[0-9]{4,8}"
            value={value.managerPin}
            onChange={(e) =>
              onChange({ ...value, managerPin: e.target.value.replace(/\D/g, '').slice(0, 8) })
            }
            required
          />
        )}
      </Field>
    </fieldset>
  );
}

/** The one notice line of the area: errors as an alert, the rest as a status, in the manager's language. */
export function NoticeLine() {
  const t = useMt();
  const notice = useManager((s) => s.notice);
  if (!notice) return <p className="notice" role="status" />;
  let text = '';
  if (notice.locked) {
    const channel = t.tk(`channel.${notice.locked.channel}`);
    text = t.tk('refund.lockedRepeat', {
      amount: notice.locked.amount,
      channel,
      at: t.dateTime(notice.locked.at),
      reference: notice.locked.reference,
    });
  } else if (notice.key) {
    const params = { ...notice.params };
    for (const [k, v] of Object.entries(params)) {
      if (k.endsWith('Minor') && typeof v === 'number') params[k.replace(/Minor$/, '')] = t.minor(v);
    }
    text = t.tk(notice.key, params);
  }
  // The core's own words under ours, with its UTC times in the manager's local time like the sentence above.
  const words = notice.text ? localiseCoreTimes(notice.text, (iso) => t.dateTime(iso)) : null;
  const detail = words && words !== text ? words : null;
  return (
    <div
      className={`notice tone-${notice.tone}`}
      role={notice.tone === 'bad' ? 'alert' : 'status'}
      data-testid="manager-notice"
    >
      {text ? <p>{text}</p> : null}
      {detail ? <p className={text ? 'detail' : ''}>{detail}</p> : null}
    </div>
  );
}

export function Busy({ when }: { when: boolean }) {
  const t = useMt();
  return when ? (
    <span className="detail" role="status">
      {t.tk('manager.working')}
    </span>
  ) : null;
}
