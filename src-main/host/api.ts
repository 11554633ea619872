/**
 * The transport-agnostic side of the host API: the handler table's type (one handler per contract command,
 * or it does not compile) and `dispatch`, which validates the input against the contract, runs the handler
 * and turns every outcome into `{ ok, value } | { ok: false, error: { code, message } }`. Electron IPC and the
 * loopback bridge both call it.
 */
import { domainError, type DomainError, type Result } from '../../src-shared';
import {
  HOST_API,
  type HostAnswer,
  type HostApiError,
  type HostCommandInput,
  type HostCommandName,
  type HostCommandOutput,
} from '../../src-shared/host-api';

export type HostHandlers = {
  [K in HostCommandName]: (
    input: HostCommandInput<K>,
  ) => Promise<Result<HostCommandOutput<K>, HostApiError>> | Result<HostCommandOutput<K>, HostApiError>;
};

/** A domain error as it travels: code and message (params stay in the host's log). */
export function toApiError(e: DomainError): HostApiError {
  return { code: e.code, message: e.message };
}

export function isHostCommand(name: string): name is HostCommandName {
  return Object.hasOwn(HOST_API.commands, name);
}

export async function dispatch(
  handlers: HostHandlers,
  name: string,
  rawInput: unknown,
): Promise<HostAnswer<unknown>> {
  if (!isHostCommand(name)) {
    return {
      ok: false,
      error: toApiError(
        domainError('HOST_COMMAND_INVALID', {
          command: name,
          reason: 'there is no such command; see /api/docs',
        }),
      ),
    };
  }
  const spec = HOST_API.commands[name];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return {
      ok: false,
      error: toApiError(
        domainError('HOST_COMMAND_INVALID', {
          command: name,
          reason: `${where}${issue?.message ?? 'invalid'}`,
        }),
      ),
    };
  }
  try {
    const handler = handlers[name] as (
      input: unknown,
    ) => Promise<Result<unknown, HostApiError>> | Result<unknown, HostApiError>;
    const r = await handler(parsed.data);
    return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error };
  } catch (e) {
    // A thrown error is a bug: the caller still gets a code, the details go to the host's log.
    console.error(`host command ${name} failed`, e);
    return {
      ok: false,
      error: toApiError(domainError('HOST_INTERNAL', { command: name, detail: (e as Error).message })),
    };
  }
}
