/** Link failures and refusals → catalog errors that say what to check (issue 4: cable, port, baud, password). */
import { domainError, type DomainError } from '../../../src-shared';
import { hexByte } from '../codec/bytes';
import { resultCodeText } from '../codec/tables/result-codes';
import type { LinkFailure } from '../link/channel';
import type { SessionTimers } from './types';

export function linkError(
  command: string,
  failure: LinkFailure | { kind: 'protocol'; reason: string },
  where: string,
  timers: SessionTimers,
): DomainError {
  switch (failure.kind) {
    case 'not-acknowledged':
      return domainError('TERMINAL_TRANSMISSION_FAILED', {
        port: where,
        attempts: failure.attempts,
        settings: `${where}; last problem: ${failure.lastProblem}`,
      });
    case 'timeout':
      return domainError('TERMINAL_COMMAND_TIMEOUT', {
        command,
        seconds: Math.max(1, Math.round(failure.afterMs / 1000)),
        settings: where,
      });
    case 'closed':
      return domainError('TERMINAL_UNREACHABLE', {
        port: where,
        settings: `the link closed: ${failure.reason}`,
      });
    case 'protocol':
      return domainError('TERMINAL_PROTOCOL_ERROR', { reason: failure.reason });
  }
  void timers;
}

export function refusedError(command: string, resultCode: number): DomainError {
  const reason = resultCodeText(resultCode).en;
  // 84 83 / 84 9A to a command that carries the password usually means a wrong password or a command the
  // terminal's configuration does not allow.
  const hint =
    resultCode === 0x83 || resultCode === 0x9a
      ? `${reason}; check the terminal password and that the terminal allows ${command}`
      : reason;
  return domainError('TERMINAL_COMMAND_REFUSED', { command, reason: hint, resultCode: hexByte(resultCode) });
}
