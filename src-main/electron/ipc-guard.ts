/**
 * Every IPC call from the renderer passes this guard before a handler sees it (architecture.md "Security
 * baseline"): the sending frame must be the app's own top-level page (not an iframe, not a page that got
 * navigated elsewhere), the command must be in the contract, and the input must match the command's zod
 * schema. Pure, so it is tested under Node without Electron.
 */
import type { z } from 'zod';
import { domainError, type DomainError } from '../../src-shared/errors';
import { isAppUrl } from './window-options';

export interface IpcContract {
  commands: Readonly<Record<string, { input: z.ZodType }>>;
}

/** What main.ts knows about the sender: the frame's URL and whether it is the window's main frame. */
export interface IpcSender {
  url: string | null;
  isMainFrame: boolean;
}

export type IpcGuardResult =
  { ok: true; command: string; input: unknown } | { ok: false; error: Pick<DomainError, 'code' | 'message'> };

const refuse = (e: DomainError): IpcGuardResult => ({
  ok: false,
  error: { code: e.code, message: e.message },
});

export function guardIpcCall(contract: IpcContract, sender: IpcSender, payload: unknown): IpcGuardResult {
  if (!sender.isMainFrame || sender.url === null || !isAppUrl(sender.url)) {
    return refuse(domainError('BRIDGE_ORIGIN_FORBIDDEN', { origin: originOf(sender.url) }));
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    typeof (payload as { command?: unknown }).command !== 'string'
  ) {
    return refuse(
      domainError('REQUEST_INVALID', { propertyName: 'command', reason: 'a call is { command, input }' }),
    );
  }
  const { command, input } = payload as { command: string; input?: unknown };
  if (!Object.hasOwn(contract.commands, command)) {
    return refuse(domainError('ROUTE_NOT_FOUND', { method: 'IPC', path: command }));
  }
  const parsed = contract.commands[command]!.input.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['input', ...(issue?.path.map(String) ?? [])].join('.');
    return refuse(
      domainError('REQUEST_INVALID', { propertyName: field, reason: issue?.message ?? 'invalid' }),
    );
  }
  return { ok: true, command, input: parsed.data };
}

function originOf(url: string | null): string {
  if (url === null) return '(no frame)';
  try {
    return new URL(url).origin;
  } catch {
    return '(unreadable URL)';
  }
}
