/**
 * `POST /admin/v1/commands`: a CLI command (`npm run core -- create-merchant …`) run inside the serving core,
 * for embedded PGlite, where no second process may open the data directory (data-dir-lock.ts). The core
 * answers what the command would have printed and its exit code, so the CLI behaves the same either way.
 *
 * Only from loopback, and only with the per-start token the core wrote into `admin.json` (mode 0600) in its
 * data directory: whoever can read that file could open the database anyway. Anything else is answered as a
 * route that does not exist, so the admin API is invisible from the network.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Acquirer } from '../acquirer/acquirer';
import { runCommand } from './commands';
import { fail } from '../routing/api-error';
import { createAcquirerJournal, type JournalOptions } from '../journal/journal';
import type { LedgerService } from '../ledger/service';
import type { Keyring } from '../security/keyring';

export const ADMIN_COMMANDS_PATH = '/admin/v1/commands';

export interface AdminApiDeps {
  ledger: LedgerService;
  keyring: Keyring;
  acquirer: Acquirer;
  journal?: JournalOptions;
  /** The per-start token (admin.json); without it the admin API is not registered at all. */
  token: string;
}

/** What the CLI sends: the command and its arguments exactly as typed after `npm run core --`. */
export const AdminCommandRequestSchema = z.object({
  command: z.string().min(1).max(64),
  args: z.array(z.string().max(10_000)).max(100),
});

export interface AdminCommandAnswer {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps): void {
  const expected = digest(`Bearer ${deps.token}`);
  const authorised = (req: FastifyRequest) =>
    // Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the token.
    timingSafeEqual(digest(req.headers.authorization ?? ''), expected);

  app.post(ADMIN_COMMANDS_PATH, async (req, reply) => {
    if (!isLoopback(req.socket.remoteAddress)) {
      throw fail('ROUTE_NOT_FOUND', { method: req.method, path: ADMIN_COMMANDS_PATH });
    }
    if (!authorised(req)) throw fail('AUTHORIZATION_INVALID');
    const parsed = AdminCommandRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      throw fail('REQUEST_INVALID', { propertyName: 'body', reason: 'expected {command, args: string[]}' });
    }
    const { command, args } = parsed.data;
    const out: string[] = [];
    const err: string[] = [];
    const ledger = deps.ledger;
    // Same journal discipline as the CLI's own reconcile; the server's log takes the journal's lines.
    const exitCode = await runCommand(command, args, {
      db: ledger.db,
      keyring: deps.keyring,
      ctx: ledger.ctx,
      io: { out: (t) => out.push(t), err: (t) => err.push(t) },
      reconcile: (graceMs) =>
        createAcquirerJournal(
          { ledger, acquirer: deps.acquirer, log: app.log },
          { ...deps.journal, graceMs },
        ).reconcileDue(),
      defaultGraceMs: deps.journal?.graceMs,
    });
    const answer: AdminCommandAnswer = {
      exitCode,
      stdout: out.map((l) => `${l}\n`).join(''),
      stderr: err.map((l) => `${l}\n`).join(''),
    };
    // Secrets (a new API key) travel in this answer: never cached by anything in between.
    return reply.header('Cache-Control', 'no-store').send(answer);
  });
}
