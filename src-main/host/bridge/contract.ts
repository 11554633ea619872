/**
 * What the loopback bridge serves: a contract of commands and pushed events as zod schemas (the host API
 * contract in src-shared, or a test's own), and a handler table with one handler per command. The bridge is
 * generic over the contract, so it knows nothing about checkout or sync.
 *
 * A handler table that misses a command, or whose handler answers the wrong type, fails to compile.
 */
import type { z } from 'zod';
import type { ErrorCode, Result } from '../../../src-shared';

export interface CommandSpec {
  input: z.ZodType;
  output: z.ZodType;
  /** One line for the generated docs. */
  summary?: string;
}

export interface EventSpec {
  payload: z.ZodType;
  summary?: string;
}

export interface BridgeContract {
  commands: Readonly<Record<string, CommandSpec>>;
  events: Readonly<Record<string, EventSpec>>;
}

/** The error half of every answer: a catalog code as data, and a message saying what to do. */
export interface BridgeError {
  code: ErrorCode;
  message: string;
  /** The request field that was wrong (`body.amount`), when one was. */
  field?: string;
}

export type CommandName<C extends BridgeContract> = keyof C['commands'] & string;
export type EventName<C extends BridgeContract> = keyof C['events'] & string;

export type CommandInput<C extends BridgeContract, K extends CommandName<C>> = z.output<
  C['commands'][K]['input']
>;
/** Readonly all the way down: a use case's readonly result is a valid answer as it is. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [P in keyof T]: DeepReadonly<T[P]> }
    : T;

export type CommandOutput<C extends BridgeContract, K extends CommandName<C>> = DeepReadonly<
  z.input<C['commands'][K]['output']>
>;
export type EventPayload<C extends BridgeContract, K extends EventName<C>> = z.input<
  C['events'][K]['payload']
>;

export type HandlerTable<C extends BridgeContract> = {
  [K in CommandName<C>]: (
    input: CommandInput<C, K>,
  ) => Promise<Result<CommandOutput<C, K>, BridgeError>> | Result<CommandOutput<C, K>, BridgeError>;
};

/**
 * Instead of a handler table, a transport-agnostic dispatcher that validates and runs a command itself
 * (src-main/host/api.ts `dispatch`), so Electron IPC and the bridge answer exactly alike.
 */
export type BridgeDispatch = (command: string, input: unknown) => Promise<BridgeAnswer<unknown>>;

/** What travels back on every `POST /api/<command>`. */
export type BridgeAnswer<T> = { ok: true; value: T } | { ok: false; error: BridgeError };
