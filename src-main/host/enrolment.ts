/**
 * Enrolling the counter with a core from the manager's settings screen (`core.enrol`): a manager enters what
 * `npm run core -- enroll-terminal` printed (core URL, key id, secret, issuer). The host asks the core who
 * that key is with a signed request (`GET /sync/v1/terminal`) before it saves anything; a wrong secret, a
 * core that does not answer or another issuer is a sentence saying what was wrong and what to do.
 *
 * Then the secret goes to the host's secret keeper (Electron: the OS keystore; headless: the 0600 file
 * `terminal-secret` beside the data, terminal-secret.ts), the URL, key id, terminal id and issuer to the
 * settings (audited without the secret), and the sync daemon switches to the new key without a restart.
 * Re-enrolling while messages wait for the core answers `saved: false` with what is queued until the
 * manager confirms.
 */
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import type { HostCommandInput, HostCommandOutput } from '../../src-shared/host-api';
import { coreUrlProblem } from '../checkout/counter-settings';
import { requireManager } from '../checkout/staff';
import { appendAudit, getSetting, setSetting } from '../store';
import { createCoreClient, type CoreFailure } from '../sync/core-client';
import { SETTING, type Host } from './compose';
import { SYNC_SETTING, TERMINAL_SECRET_ENV } from './sync-wiring';

type EnrolInput = HostCommandInput<'core.enrol'>;
type EnrolAnswer = HostCommandOutput<'core.enrol'>;

/** How long the check may take: the manager is waiting at the screen. */
const VERIFY_TIMEOUT_MS = 10_000;

const refused = (reason: string): Result<never, DomainError> =>
  err(domainError('HOST_COMMAND_INVALID', { command: 'core.enrol', reason: `${reason}; nothing was saved` }));

/** Pure: the sentence for a failed check, naming what to do. */
export function verificationProblem(url: string, f: CoreFailure): string {
  if (f.status === null || (f.kind === 'transient' && (f.status ?? 0) >= 500)) {
    return (
      `the core at ${url} did not answer (${f.message.replace(/\.$/, '')}): check the address and that the ` +
      'core is running and reachable from this counter, then enrol again'
    );
  }
  if (f.status === 401 || f.status === 403) {
    return (
      `the core at ${url} refused this key id and secret (${f.code}): enter them exactly as ` +
      '`npm run core -- enroll-terminal` printed them; the secret is shown only once there, so enrol the ' +
      'terminal again on the core if it is lost'
    );
  }
  if (f.status === 404) {
    return `${url} answered, but it is not a payment core (no terminal sync API there): check the address`;
  }
  return `the core at ${url} answered with an error (${f.code}: ${f.message.replace(/\.$/, '')})`;
}

function queuedSummary(host: Host): EnrolAnswer['queued'] {
  const rows = host.db
    .prepare(
      `SELECT kind, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE state = 'QUEUED'
        GROUP BY kind ORDER BY kind`,
    )
    .all() as { kind: string; n: number; oldest: string }[];
  if (rows.length === 0) return null;
  return {
    count: rows.reduce((a, r) => a + r.n, 0),
    kinds: rows.map((r) => ({ kind: r.kind, count: r.n })),
    oldestAt: rows.map((r) => r.oldest).sort()[0] ?? null,
    coreUrl: getSetting<string>(host.db, SETTING.coreUrl) ?? null,
  };
}

export async function enrolWithCore(host: Host, i: EnrolInput): Promise<Result<EnrolAnswer, DomainError>> {
  const deps = host.deps;
  const m = requireManager(deps, i.manager, 'Enrolling this counter with a core');
  if (!m.ok) return m;
  const url = i.coreUrl.replace(/\/+$/, '');
  const urlProblem = coreUrlProblem(url);
  if (urlProblem) return refused(urlProblem);

  // 1. The core confirms the key before anything is kept.
  const client = createCoreClient({
    baseUrl: url,
    keyId: i.keyId,
    secret: i.secret,
    timeoutMs: VERIFY_TIMEOUT_MS,
    now: deps.clock,
  });
  const who = await client.whoAmI();
  if (!who.ok) return refused(verificationProblem(url, who.error));
  if (who.value.issuer !== i.issuer) {
    return refused(
      `the core says key ${i.keyId} belongs to issuer ${who.value.issuer}, not ${i.issuer}: enter the issuer ` +
        'number printed with this key by `npm run core -- enroll-terminal`',
    );
  }

  // 2. Another core or key while messages wait: say what is queued and wait for the manager's yes.
  const before = {
    coreUrl: getSetting<string>(deps.db, SETTING.coreUrl) ?? null,
    keyId: getSetting<string>(deps.db, SYNC_SETTING.keyId) ?? null,
    terminalId: getSetting<string>(deps.db, SETTING.terminalId) ?? null,
    issuer: deps.issuer,
  };
  const changes = before.coreUrl !== url || before.keyId !== i.keyId || before.issuer !== i.issuer;
  const queued = queuedSummary(host);
  const answer = {
    queued,
    terminalId: who.value.terminalId,
    storeId: who.value.storeId,
    issuer: who.value.issuer,
    secretKeptIn: host.secretKeeper.where,
    environmentOverrides: Boolean(process.env[TERMINAL_SECRET_ENV]),
  };
  if (changes && before.keyId !== null && queued && !i.confirmQueued) return ok({ saved: false, ...answer });

  // 3. The secret to its keeper first (a keystore may refuse: then nothing is in the settings either).
  const kept = host.secretKeeper.save(i.secret);
  if (!kept.ok) return kept;
  deps.db.tx(() => {
    setSetting(deps.db, SETTING.coreUrl, url);
    setSetting(deps.db, SYNC_SETTING.keyId, i.keyId);
    setSetting(deps.db, SETTING.terminalId, who.value.terminalId);
    setSetting(deps.db, SETTING.issuer, who.value.issuer);
    appendAudit(deps.db, {
      at: deps.clock(),
      actor: m.value.staffId,
      action: 'core.enrol',
      subject: who.value.terminalId,
      // Never the secret: where it is kept, and what changed.
      details: {
        before,
        after: { coreUrl: url, keyId: i.keyId, terminalId: who.value.terminalId, issuer: who.value.issuer },
        storeId: who.value.storeId,
        secretKeptIn: host.secretKeeper.where,
        queuedAtEnrolment: queued?.count ?? 0,
      },
    });
  });
  // 4. The daemon syncs with the new key from now on (no restart).
  await host.replaceSync(
    { baseUrl: url, keyId: i.keyId, secret: i.secret },
    who.value.issuer,
    host.secretKeeper.where,
  );
  return ok({ saved: true, ...answer });
}
