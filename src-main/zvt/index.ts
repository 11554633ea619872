/**
 * The card-terminal driver as the terminal host uses it: the ECR session, its types and ports, and the
 * connectors that open a line. Deeper paths keep working; this is the surface that stays stable.
 */
export { EcrSession, type EcrSessionOptions, type RegistrationInfo } from './session/ecr-session';
export {
  inMemoryTerminalStateStore,
  type TerminalNumbers,
  type TerminalStateStore,
} from './session/state-store';
export type {
  CardRead,
  GoodsIssueAnswer,
  ReadCardOptions,
  ReadCardOutcome,
  Receipt,
  RecoveryReport,
  SessionTimers,
  StatusEvent,
  TerminalStatus,
  TransactionDetails,
  TransactionOutcome,
  WaitingEvent,
  WaitPhase,
} from './session/types';
export { serialConnector, streamConnector, tcpConnector, type Connector } from './transport/connect';
export type { SerialSettings } from './transport/serial';
