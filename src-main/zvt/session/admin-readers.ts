/** What the administrative commands' answers say (Registration, Status Enquiry), read from an exchange. */
import { findBmp } from '../codec/bmp';
import { terminalStatusText } from '../codec/tables/terminal-tables';
import type { ExchangeResult } from './exchange';
import type { TerminalStatus } from './types';

export interface RegistrationInfo {
  readonly terminalId?: string;
  readonly currency?: string;
  readonly statusByte?: number;
}

/** Completion of Registration: status byte (19), terminal id (29), currency (49) (P15 §2.1). */
export function registrationInfo(r: ExchangeResult): RegistrationInfo {
  const fields = r.end.kind === 'completion' ? r.end.message.fields : [];
  const status = findBmp(fields, 0x19)?.value;
  const tid = findBmp(fields, 0x29)?.value;
  const cc = findBmp(fields, 0x49)?.value;
  return {
    ...(typeof tid === 'string' ? { terminalId: tid } : {}),
    ...(typeof cc === 'string' ? { currency: cc } : {}),
    ...(typeof status === 'number' ? { statusByte: status } : {}),
  };
}

/** Completion of Status Enquiry: [LLLVAR software version] terminal status [06 TLV] (P15 §2.56.5). */
export function terminalStatus(r: ExchangeResult): TerminalStatus {
  const m = r.end.kind === 'completion' ? r.end.message : null;
  const code = Number(m?.prefix.terminalStatus ?? 0);
  const sw = m?.prefix.softwareVersion;
  const tid = m ? findBmp(m.fields, 0x29)?.value : undefined;
  return {
    code,
    text: terminalStatusText(code),
    ...(typeof sw === 'string' ? { softwareVersion: sw } : {}),
    ...(typeof tid === 'string' ? { terminalId: tid } : {}),
  };
}
