/**
 * Operator commands: `npm run core -- <command> [--flags]`. Readable text by default, one JSON object with
 * `--json` (for scripts). Secrets are printed once, at creation, and stored only encrypted.
 */
import type { DomainError, Result } from '../../src-shared';
import {
  createApiKey,
  createMerchant,
  createStore,
  enrollTerminal,
  listApiKeys,
  listMerchants,
  listStores,
  listTerminals,
  revokeApiKey,
  revokeTerminal,
} from '../accounts/accounts';
import type { Db } from '../db/adapter';
import type { ReconcileReport } from '../journal/journal';
import type { LedgerContext } from '../ledger/context';
import type { Keyring } from '../security/keyring';
import { parseFlags, type Flags } from './flags';

export { parseFlags, type Flags };

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const COMMANDS: Record<string, string> = {
  'create-merchant': '--name <name> [--id <merchantId>]',
  'list-merchants': '',
  'create-api-key': '--merchant <merchantId> [--label <text>]',
  'list-api-keys': '--merchant <merchantId>',
  'revoke-api-key': '--key <apiKeyId>',
  'create-store': '--merchant <merchantId> --name <name>',
  'list-stores': '--merchant <merchantId>',
  'enroll-terminal': '--merchant <merchantId> --store <storeId or name> [--label <text>]',
  'list-terminals': '--merchant <merchantId>',
  'revoke-terminal': '--terminal <terminalId>',
  reconcile:
    '[--grace-seconds <n>]   resolve open acquirer journal rows now (n: leave younger rows alone; default 120)',
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([c, a]) => `  npm run core -- ${c} ${a}`.trimEnd());
  return [
    'Usage:',
    '  npm run core                       serve (HOST, PORT, DATABASE_URL, COUNTER_DATA_DIR, COUNTER_MASTER_KEY)',
    ...lines,
    '  npm run core -- request <GET|POST|DELETE> <path> [--data <json> | --data @<file>] [--idempotence-key <k>]',
    '                     [--key-id <id> --secret <secret>] [--merchant <id>] [--url <core url>]',
    '                     a signed request to a running core (key: flags, COUNTER_KEY_ID/COUNTER_KEY_SECRET,',
    '                     or the demo credentials of `npm start`; {merchantId} in the path is filled in)',
    'Add --json to any command for machine-readable output.',
  ].join('\n');
}

class UsageError extends Error {}

function need(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing --${name}`);
  return v;
}

const opt = (flags: Flags, name: string): string | undefined =>
  typeof flags[name] === 'string' ? (flags[name] as string) : undefined;

/** Runs one command; returns the process exit code. */
export async function runCommand(
  command: string,
  args: readonly string[],
  deps: {
    db: Db;
    keyring: Keyring;
    ctx: LedgerContext;
    io: CliIo;
    /** One reconciliation pass over the acquirer journal (rows older than graceMs, and UNKNOWN ones). */
    reconcile?: (graceMs: number | undefined) => Promise<ReconcileReport>;
    defaultGraceMs?: number;
  },
): Promise<number> {
  const { flags } = parseFlags(args);
  const json = flags.json === true;
  const { io, db, keyring, ctx } = deps;
  const print = (value: unknown, text: string) => io.out(json ? JSON.stringify(value) : text);
  const failWith = (error: DomainError) => {
    if (json) io.out(JSON.stringify({ error: { code: error.code, message: error.message } }));
    else io.err(`${error.code}: ${error.message}`);
    return 1;
  };
  const done = <T>(r: Result<T, DomainError>, text: (v: T) => string) => {
    if (!r.ok) return failWith(r.error);
    print(r.value, text(r.value));
    return 0;
  };
  try {
    switch (command) {
      case 'create-merchant':
        return done(await createMerchant(db, { id: opt(flags, 'id'), name: need(flags, 'name') }), (m) =>
          [`Merchant created.`, `  merchant id: ${m.id}`, `  name:        ${m.name}`].join('\n'),
        );
      case 'list-merchants': {
        const list = await listMerchants(db);
        print(list, list.length ? list.map((m) => `${m.id}\t${m.name}`).join('\n') : 'No merchants yet.');
        return 0;
      }
      case 'create-api-key':
        return done(
          await createApiKey(db, keyring, {
            merchantId: need(flags, 'merchant'),
            label: opt(flags, 'label'),
          }),
          (k) =>
            [
              `API key created for merchant ${k.merchantId}. Copy the secret now: it is not shown again.`,
              `  apiKeyId:     ${k.keyId}`,
              `  secretApiKey: ${k.secret}`,
            ].join('\n'),
        );
      case 'list-api-keys': {
        const keys = await listApiKeys(db, need(flags, 'merchant'));
        print(
          keys,
          keys.length
            ? keys
                .map(
                  (k) => `${k.keyId}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.label ?? ''}`,
                )
                .join('\n')
            : 'No API keys.',
        );
        return 0;
      }
      case 'revoke-api-key': {
        const revoked = await revokeApiKey(db, need(flags, 'key'));
        print({ revoked }, revoked ? 'API key revoked.' : 'No active API key with that id.');
        return revoked ? 0 : 1;
      }
      case 'create-store':
        return done(
          await createStore(db, ctx, { merchantId: need(flags, 'merchant'), name: need(flags, 'name') }),
          (s) => [`Store created.`, `  store id: ${s.storeId}`, `  name:     ${s.name}`].join('\n'),
        );
      case 'list-stores': {
        const stores = await listStores(db, need(flags, 'merchant'));
        print(stores, stores.length ? stores.map((s) => `${s.storeId}\t${s.name}`).join('\n') : 'No stores.');
        return 0;
      }
      case 'enroll-terminal':
        return done(
          await enrollTerminal(db, ctx, keyring, {
            merchantId: need(flags, 'merchant'),
            store: need(flags, 'store'),
            label: opt(flags, 'label'),
          }),
          (t) =>
            [
              `Terminal enrolled. Enter these in the terminal app's settings; the secret is not shown again.`,
              `  terminal id:   ${t.terminalId}`,
              `  store id:      ${t.storeId}`,
              `  issuer number: ${t.issuer}   (prefix of the payment ids this terminal mints)`,
              `  key id:        ${t.keyId}`,
              `  secret:        ${t.secret}`,
            ].join('\n'),
        );
      case 'list-terminals': {
        const terminals = await listTerminals(db, need(flags, 'merchant'));
        print(
          terminals,
          terminals.length
            ? terminals
                .map(
                  (t) =>
                    `${t.terminalId}\tissuer ${t.issuer}\tstore ${t.storeId}\t${t.revokedAt ? 'revoked' : 'active'}\t${t.label ?? ''}`,
                )
                .join('\n')
            : 'No terminals.',
        );
        return 0;
      }
      case 'revoke-terminal': {
        const revoked = await revokeTerminal(db, need(flags, 'terminal'));
        print({ revoked }, revoked ? 'Terminal revoked.' : 'No active terminal with that id.');
        return revoked ? 0 : 1;
      }
      case 'reconcile': {
        if (!deps.reconcile) throw new UsageError('reconciliation is not available here');
        const seconds = opt(flags, 'grace-seconds');
        if (seconds !== undefined && !/^\d+$/.test(seconds))
          throw new UsageError('--grace-seconds takes a whole number of seconds');
        const report = await deps.reconcile(
          seconds !== undefined ? Number(seconds) * 1000 : deps.defaultGraceMs,
        );
        print(
          report,
          [
            `Reconciliation: ${report.checked} open journal row(s) checked.`,
            `  recorded or closed: ${report.closed}`,
            `  outcome still unknown: ${report.stillOpen}`,
            `  failed (see the log): ${report.failed}`,
          ].join('\n'),
        );
        return report.failed > 0 ? 1 : 0;
      }
      default:
        io.err(`Unknown command '${command}'.\n${usage()}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${command}: ${e.message}\n  npm run core -- ${command} ${COMMANDS[command] ?? ''}`);
      return 2;
    }
    throw e;
  }
}
