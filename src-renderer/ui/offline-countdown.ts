/**
 * The status bar's countdown for card payments taken offline (issue 9, docs/host.md "Offline card policy"):
 * how many wait to be forwarded and how long the oldest may still wait (its `forwardBy`, from the manager's
 * `offline.limits.maxAgeHours`), or since when it is overdue.
 */
import type { Translator } from '../i18n/i18n';

export interface OfflineCardsPill {
  readonly text: string;
  /** Past its forwardBy: the counter takes no more card payments offline. */
  readonly overdue: boolean;
}

export function offlineCardsPill(
  t: Translator,
  payments: readonly { readonly forwardBy: string }[],
  now: Date,
): OfflineCardsPill | null {
  if (payments.length === 0) return null;
  const first = payments.map((p) => p.forwardBy).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  const overdue = Date.parse(first) < now.getTime();
  return {
    overdue,
    text: overdue
      ? t.t('status.offlineCardsOverdue', { count: payments.length, age: t.age(first, now) })
      : t.t('status.offlineCardsDue', { count: payments.length, remaining: t.remaining(first, now) }),
  };
}
