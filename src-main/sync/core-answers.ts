/**
 * Answers of the core that src-shared/sync-protocol.ts does not declare (yet): the core's route declares them
 * inline (src-core/sync/routes.ts `whoAmI`). Kept here, in the same shape, so the client validates them too;
 * move to the protocol file when it gains them.
 */
import { z } from 'zod';
import { UuidSchema } from '../../src-shared';

export const TerminalInfoSchema = z.object({
  terminalId: UuidSchema,
  merchantId: z.string(),
  storeId: UuidSchema,
  issuer: z.number().int(),
  feedHead: z.number().int().nonnegative(),
  serverTime: z.iso.datetime({ offset: true }),
});
