/**
 * The one catalog of error codes (style.md "Errors"). Every expected failure anywhere in Counter carries one
 * of these codes as data; a code never means two things, and codes are never renamed once shipped (scripts,
 * the terminal app and merchants' integrations match on them).
 *
 * `errorCode` and `category` are what the Worldline-compatible online API puts in `errors[].errorCode` and
 * `errors[].category`; the code itself goes into `errors[].id` (e.g. `REFUND_ORDER_LOCKED`). `1409` is the
 * one number fixed by the official SDKs: a 409 whose only error has errorCode "1409" is an idempotence
 * conflict to them (reference §5). All other numbers are ours: six digits, HTTP status first.
 *
 * Message templates name what was wrong and what to do; `{name}` placeholders are filled from params.
 */

export type ErrorCategory = 'DIRECT_PLATFORM_ERROR' | 'PAYMENT_PLATFORM_ERROR' | 'IO_ERROR';

export interface CatalogEntry {
  readonly httpStatus: number;
  /** True when the same request may succeed later (resend with a new idempotence key). */
  readonly retryable: boolean;
  readonly errorCode: string;
  readonly category: ErrorCategory;
  readonly message: string;
}

const entry = (
  httpStatus: number,
  errorCode: string,
  message: string,
  opts: { retryable?: boolean; category?: ErrorCategory } = {},
): CatalogEntry => ({
  httpStatus,
  errorCode,
  message,
  retryable: opts.retryable ?? false,
  category: opts.category ?? 'DIRECT_PLATFORM_ERROR',
});

export const ERROR_CATALOG = {
  // ── Money and input ──────────────────────────────────────────────────────────────────────────────
  UNKNOWN_CURRENCY: entry(
    400,
    '400101',
    "Unknown currency '{currency}'. Use an ISO 4217 code with minor units, such as EUR, USD, JPY or KWD.",
  ),
  AMOUNT_NOT_SAFE_INTEGER: entry(
    400,
    '400102',
    'Amount {amount} is not a whole number of minor units between -9007199254740991 and 9007199254740991. ' +
      'Send amounts in minor units: 1250 means 12.50 EUR.',
  ),
  AMOUNT_NOT_POSITIVE: entry(400, '400103', 'Amount must be greater than zero; got {amount}.'),
  CURRENCY_MISMATCH: entry(
    400,
    '400104',
    'Currency {actual} does not match {expected}. An order and its payments use one currency; convert first.',
  ),
  MONEY_INPUT_INVALID: entry(400, '400105', "'{input}' is not an amount: {reason}."),
  MONEY_TOO_MANY_DECIMALS: entry(
    400,
    '400106',
    "'{input}' has {decimals} decimal places, but {currency} has {exponent}. Round to {exponent} places.",
  ),
  AMOUNT_OUT_OF_RANGE: entry(
    400,
    '400107',
    "'{input}' is too large: amounts in {currency} are limited to {max}. Check for a mistyped amount.",
  ),

  // ── Identifiers ──────────────────────────────────────────────────────────────────────────────────
  PAYMENT_ID_INVALID: entry(
    400,
    '400201',
    "'{id}' is not a payment id: {reason}. A payment id is the 19-digit number on the receipt or in the API answer.",
  ),
  PAYMENT_ID_ISSUER_INVALID: entry(
    400,
    '400202',
    'Issuer number {issuer} is outside 1..{max}. Issuer numbers are assigned when a terminal is enrolled.',
  ),
  PAYMENT_ID_SEQUENCE_EXHAUSTED: entry(
    500,
    '500203',
    'Issuer {issuer} has used all of its payment ids. Enroll the terminal again to get a new issuer number.',
  ),
  UUID_INVALID: entry(400, '400204', "'{id}' is not a UUID: {reason}."),

  // ── Ledger: orders and payments ──────────────────────────────────────────────────────────────────
  ORDER_NOT_FOUND: entry(404, '404301', 'Order {orderId} does not exist for this merchant.'),
  PAYMENT_NOT_FOUND: entry(
    404,
    '404302',
    'Payment {paymentId} does not exist for this merchant. Check the 19-digit id on the receipt.',
  ),
  OPERATION_NOT_FOUND: entry(404, '404303', 'Operation {operationId} does not exist for this merchant.'),
  PAYMENT_ALREADY_EXISTS: entry(
    409,
    '409304',
    'Payment {paymentId} already exists; payment ids are never reused.',
  ),
  ORDER_AMOUNT_EXCEEDED: entry(
    400,
    '400307',
    'Cannot charge {amount}: the order total is {total} and {balanceDue} is still due.',
  ),
  PAYMENT_NOT_SUCCESSFUL: entry(
    409,
    '409308',
    'Payment {paymentId} was declined, so nothing can be captured, refunded or cancelled on it.',
  ),
  PAYMENT_CANCELLED: entry(
    409,
    '409309',
    'Payment {paymentId} was cancelled; no further operation is possible on it.',
  ),
  NOT_AN_AUTHORISATION: entry(
    409,
    '409310',
    'Payment {paymentId} was a sale and is captured already; captures and reversals apply to authorisations only.',
  ),
  AUTHORISATION_CLOSED: entry(
    409,
    '409311',
    'The authorisation of payment {paymentId} is closed (final capture done or nothing left); start a new payment.',
  ),
  CAPTURE_EXCEEDS_AUTHORISED: entry(
    400,
    '400312',
    'Cannot capture {amount} on payment {paymentId}: only {remaining} of the authorisation is left.',
  ),
  REVERSAL_EXCEEDS_REMAINING: entry(
    400,
    '400313',
    'Cannot reverse {amount} on payment {paymentId}: only {remaining} of the authorisation is left.',
  ),
  NOTHING_CAPTURED: entry(
    409,
    '409315',
    'Payment {paymentId} has nothing captured yet; cancel or reverse the authorisation instead of refunding.',
  ),
  REFUND_EXCEEDS_REFUNDABLE: entry(
    400,
    '400316',
    'Cannot refund {amount} on payment {paymentId}: {refundable} is refundable. For more, use a payout on the order.',
  ),
  PAYOUT_EXCEEDS_COLLECTED: entry(
    400,
    '400317',
    'Cannot pay out {amount}: of what order {orderId} collected, {available} has not been paid back yet.',
  ),
  REFUND_ORDER_LOCKED: entry(409, '409318', 'This refund or payout cannot go ahead now: {reason}.', {
    retryable: true,
  }),
  CANCEL_NOT_POSSIBLE: entry(
    409,
    '409319',
    'Payment {paymentId} cannot be cancelled: it already has {what}. Refund it instead.',
  ),
  CHARGEBACK_EXCEEDS_AVAILABLE: entry(
    400,
    '400320',
    'Cannot charge back {amount} on payment {paymentId}: only {available} was collected and not yet returned.',
  ),
  CHARGEBACK_REVERSAL_EXCEEDS_CHARGEBACK: entry(
    400,
    '400321',
    'Cannot reverse {amount} of chargebacks on payment {paymentId}: {available} is charged back.',
  ),
  REBILL_NOT_POSSIBLE: entry(
    409,
    '409322',
    'Payment {paymentId} has nothing captured, so it cannot be rebilled; make a new payment instead.',
  ),
  TOKEN_NOT_FOUND: entry(404, '404323', 'Token {tokenId} does not exist for this merchant.'),
  TOKEN_DELETED: entry(
    410,
    '410324',
    'Token {tokenId} was deleted or deactivated and cannot be charged; ask the customer for the card again.',
  ),
  TOKEN_ALREADY_EXISTS: entry(409, '409325', 'Token {tokenId} already exists on this order.'),
  PAYMENT_OUTCOME_UNKNOWN: entry(
    409,
    '409326',
    'The acquirer has not confirmed payment {paymentId} yet, so nothing can be done on it; get the payment to check its status.',
    { retryable: true },
  ),
  OPERATION_NOT_APPLICABLE: entry(
    409,
    '409327',
    'Operation {operationId} is a {kind}; a {action} applies to {allowed} operations.',
  ),
  MONEY_MOVED_NOT_RECORDED: entry(
    409,
    '409328',
    'A {kind} of {amount} on payment {paymentId} happened at the {where}, but the ledger refused to record it ' +
      '({reason}). It is kept as money exception {exceptionId} for a manager to settle in the back office; do ' +
      'not send it again.',
  ),
  RECORDING_FAILED: entry(
    500,
    '500339',
    "The ledger could not record the acquirer's answer ({answer}) in {attempts} attempts (last database " +
      'error {sqlstate}); check the acquirer for what happened and book it by hand.',
    { category: 'IO_ERROR' },
  ),
  RECORDING_PENDING: entry(
    503,
    '503329',
    'The acquirer answered this {kind} on payment {paymentId}, but recording the answer failed on our side. ' +
      'Reconciliation records it (journal reference {reference}): retry with the same X-GCS-Idempotence-Key ' +
      'to get the result, or check the payment; do not send it as a new request.',
    { retryable: true, category: 'IO_ERROR' },
  ),
  MONEY_EXCEPTION_NOT_FOUND: entry(
    404,
    '404330',
    'Money exception {exceptionId} does not exist for this merchant.',
  ),

  // ── Online API: requests, authentication, idempotence ───────────────────────────────────────────
  REQUEST_INVALID: entry(400, '400401', 'The request is invalid at {propertyName}: {reason}.'),
  REQUEST_BODY_NOT_JSON: entry(400, '400402', 'The request body is not valid JSON: {reason}.'),
  REQUEST_BODY_NOT_UTF8: entry(
    400,
    '400414',
    'The request body is not valid UTF-8 (byte {offset} cannot start or continue a character); send JSON ' +
      'encoded as UTF-8.',
  ),
  REQUEST_BODY_TOO_LARGE: entry(
    413,
    '413415',
    'The request body is larger than {limit} bytes; no request of this API needs that much: check what is sent.',
  ),
  REQUEST_URI_TOO_LONG: entry(
    414,
    '414416',
    'A part of the path is longer than {limit} characters; check the ids in the path.',
  ),
  REQUEST_HEADERS_TOO_LARGE: entry(
    431,
    '431417',
    'The request line and headers are larger than {limit} bytes; check the path and headers that are sent.',
  ),
  REQUEST_MALFORMED: entry(
    400,
    '400418',
    'The request could not be read as HTTP ({reason}); check the client or proxy that sends it.',
  ),
  AUTHORIZATION_MISSING: entry(
    401,
    '401403',
    "The Authorization header is missing or malformed; expected 'GCS v1HMAC:<apiKeyId>:<signature>'.",
  ),
  AUTHORIZATION_INVALID: entry(
    401,
    '401404',
    'The request signature does not match. Check the API key id and secret, and sign exactly what is sent.',
  ),
  DATE_OUT_OF_WINDOW: entry(
    401,
    '401405',
    "The Date header '{date}' is missing, unreadable or more than {windowMinutes} minutes from the server's clock; sync the clock.",
  ),
  MERCHANT_FORBIDDEN: entry(403, '403406', 'This API key may not act for merchant {merchantId}.'),
  MERCHANT_NOT_FOUND: entry(404, '404407', 'Merchant {merchantId} does not exist.'),
  ROUTE_NOT_FOUND: entry(
    404,
    '404408',
    'There is no {method} {path}; check the path against the API reference.',
  ),
  IDEMPOTENCE_REQUEST_IN_PROGRESS: entry(
    409,
    '1409',
    'A request with idempotence key {key} is still being processed; wait for its answer.',
    { retryable: true },
  ),
  IDEMPOTENCE_KEY_REUSED: entry(
    422,
    '422410',
    'Idempotence key {key} was first used for a different request; use a new key for a new request.',
  ),
  INTERNAL_ERROR: entry(
    500,
    '500411',
    'Something went wrong on our side (reference {reference}); it is safe to retry.',
    {
      retryable: true,
      category: 'IO_ERROR',
    },
  ),
  SERVICE_UNAVAILABLE: entry(503, '503412', 'The service is shutting down or overloaded; retry shortly.', {
    retryable: true,
    category: 'IO_ERROR',
  }),
  HTTPS_REQUIRED: entry(
    403,
    '403420',
    'This API must be reached over HTTPS (https://): v1HMAC does not sign the request body, so over plain HTTP ' +
      'a changed amount would pass under a valid signature. Plain HTTP is answered from loopback only; behind a ' +
      'TLS-terminating proxy, list the proxy in COUNTER_TRUSTED_PROXIES; COUNTER_ALLOW_PLAIN_HTTP=1 allows it ' +
      'anyway (a private network you trust).',
  ),
  CARD_NOT_ON_FILE: entry(
    409,
    '409413',
    'Payment {paymentId} did not store its card for later charges. Charge a stored card: an initial online payment ' +
      'with unscheduledCardOnFileRequestor=cardholderInitiated and unscheduledCardOnFileSequenceIndicator=first, ' +
      'a tokenised card, or a card payment in store.',
  ),

  // ── Acquirer outcomes (declines are values, reported with the payment) ──────────────────────────
  CARD_DECLINED: entry(
    402,
    '402501',
    'The card was declined by the issuer; ask for another means of payment.',
    {
      category: 'PAYMENT_PLATFORM_ERROR',
    },
  ),
  INSUFFICIENT_FUNDS: entry(402, '402502', 'The card was declined for insufficient funds.', {
    category: 'PAYMENT_PLATFORM_ERROR',
  }),
  CARD_EXPIRED: entry(402, '402503', 'The card has expired; ask for another card.', {
    category: 'PAYMENT_PLATFORM_ERROR',
  }),
  CARD_STOLEN: entry(402, '402504', 'The card was declined (reported lost or stolen). Do not retry it.', {
    category: 'PAYMENT_PLATFORM_ERROR',
  }),
  CARD_INVALID: entry(400, '400505', 'The card data is invalid: {reason}.', {
    category: 'PAYMENT_PLATFORM_ERROR',
  }),
  ACQUIRER_TIMEOUT: entry(
    504,
    '504506',
    'The acquirer did not answer in time; the outcome is unknown. Check the payment before charging again.',
    { retryable: true, category: 'IO_ERROR' },
  ),
  ACQUIRER_DECLINED: entry(
    402,
    '402507',
    'The acquirer declined the {kind} of {amount} on payment {paymentId}: no money moved and nothing was ' +
      'recorded. Check the payment and the card with the acquirer before trying again.',
    { category: 'PAYMENT_PLATFORM_ERROR' },
  ),

  // ── Terminal sync ────────────────────────────────────────────────────────────────────────────────
  SYNC_MESSAGE_INVALID: entry(400, '400601', 'Sync message {messageId} is invalid: {reason}.'),
  TERMINAL_NOT_ENROLLED: entry(403, '403602', 'Terminal {terminalId} is not enrolled or was revoked.'),
  REFUND_RESERVATION_NOT_FOUND: entry(
    404,
    '404603',
    'Refund reservation {reservationId} does not exist for this terminal.',
  ),
  SYNC_DEPENDS_ON_REJECTED: entry(
    409,
    '409604',
    'Message {messageId} needs what message {dependsOn} of the same batch would have created, and that one was ' +
      'rejected ({code}). Resolve it, then send this message again.',
    { retryable: true },
  ),
  PAYMENT_ID_NOT_TERMINALS: entry(
    400,
    '400605',
    'Payment id {paymentId} was minted by issuer {issuer}, but this terminal mints with issuer {expected}. ' +
      'Payment ids come from the issuer number given at enrollment.',
  ),
  ORDER_ALREADY_EXISTS: entry(
    409,
    '409606',
    'Order {orderId} exists already; order ids are minted once, where the order is created.',
  ),
  REFUND_RESERVATION_CLOSED: entry(
    409,
    '409607',
    'Refund reservation {reservationId} is {state} already; reserve again for a new refund.',
  ),
  REFUND_EXCEEDS_RESERVATION: entry(
    400,
    '400608',
    'Cannot confirm a refund of {amount}: reservation {reservationId} holds {reserved}.',
  ),
  SYNC_ID_REUSED: entry(
    409,
    '409609',
    '{what} {id} was first used for something else; mint a new id for a new fact.',
  ),
  SYNC_RESCUE_ORIGIN_UNKNOWN: entry(
    400,
    '400612',
    'Message {messageId} was carried over from the counter with issuer {issuer}, but no terminal of this ' +
      "store has that issuer. Import a rescue file only on a counter of the broken counter's store.",
  ),
  SYNC_BODY_DIGEST_MISSING: entry(
    401,
    '401610',
    'A sync request with a body must carry {header}: the base64 SHA-256 of the exact body bytes, signed with ' +
      'the request (v1HMAC does not sign the body). Update the terminal software.',
  ),
  SYNC_BODY_DIGEST_MISMATCH: entry(
    401,
    '401611',
    'The body does not match its signed {header}: it was changed after signing, or the digest was computed ' +
      'over other bytes than were sent. Nothing was applied; send the request again.',
  ),
  // ── Terminal host → core, and the host's loopback bridge ─────────────────────────────────────────
  CORE_UNREACHABLE: entry(
    503,
    '503610',
    'The core at {url} did not answer ({reason}). The counter keeps working offline and syncs when it answers again.',
    { retryable: true, category: 'IO_ERROR' },
  ),
  CORE_ANSWER_INVALID: entry(
    502,
    '502611',
    'The core answered {method} {path} with something this counter does not understand ({reason}). Check that ' +
      'the core and the counter run compatible versions.',
    { retryable: true, category: 'IO_ERROR' },
  ),
  BRIDGE_TOKEN_INVALID: entry(
    401,
    '401620',
    "The host API needs this launch's token: send 'Authorization: Bearer <token>' (or the WebSocket " +
      'subprotocol bearer.<token>). The token is printed by the host at start.',
  ),
  BRIDGE_ORIGIN_FORBIDDEN: entry(
    403,
    '403621',
    'Requests from origin {origin} are refused; the host API answers only pages it serves itself.',
  ),
  // ── Card terminal (ZVT) ──────────────────────────────────────────────────────────────────────────
  TERMINAL_UNREACHABLE: entry(
    503,
    '503701',
    'The card terminal does not answer on {port}. Check the cable and power, the port name and the line settings ({settings}).',
    { retryable: true, category: 'IO_ERROR' },
  ),
  TERMINAL_OUTCOME_UNKNOWN: entry(
    504,
    '504702',
    'The card terminal stopped answering during the payment, so whether it went through is unknown. ' +
      'Recover it (repeat receipt / status) before charging the card again.',
    { category: 'IO_ERROR' },
  ),
  TERMINAL_DECLINED: entry(
    402,
    '402703',
    'The card terminal declined the payment: {reason} (ZVT result {resultCode}).',
    {
      category: 'PAYMENT_PLATFORM_ERROR',
    },
  ),
  TERMINAL_COMMAND_REFUSED: entry(
    409,
    '409704',
    'The card terminal refused {command}: {reason} (ZVT code {resultCode}).',
  ),
  TERMINAL_PROTOCOL_ERROR: entry(
    502,
    '502705',
    'The card terminal sent something that is not valid ZVT: {reason}.',
    { category: 'IO_ERROR' },
  ),
  TERMINAL_SERIAL_PORT_FAILED: entry(
    503,
    '503706',
    'Cannot open the serial port {port}: {reason}. Check the port name, that no other program holds it, ' +
      'and that this user may open it (e.g. the dialout group).',
    { retryable: true, category: 'IO_ERROR' },
  ),
  TERMINAL_TRANSMISSION_FAILED: entry(
    503,
    '503707',
    'The card terminal on {port} did not acknowledge {attempts} transmissions. Check the cable and the line ' +
      'settings ({settings}): baud rate, stop bits and parity must match the terminal.',
    { retryable: true, category: 'IO_ERROR' },
  ),
  TERMINAL_BUSY: entry(
    409,
    '409708',
    'The card terminal is busy with {operation}; wait for it to finish or abort it first.',
    { retryable: true },
  ),
  TERMINAL_ABORTED: entry(
    409,
    '409709',
    'The card terminal aborted {command}: {reason} (ZVT result {resultCode}).',
    {
      category: 'PAYMENT_PLATFORM_ERROR',
    },
  ),
  TERMINAL_NOT_CHARGED: entry(
    502,
    '502710',
    'The line to the card terminal failed during {command}, and the terminal confirms it did not go through: ' +
      'nothing was charged. Try again.',
    { retryable: true, category: 'IO_ERROR' },
  ),
  TERMINAL_COMMAND_TIMEOUT: entry(
    504,
    '504711',
    'The card terminal did not answer {command} within {seconds} s. Check that it is on and idle, the cable, ' +
      'and the line settings ({settings}).',
    { retryable: true, category: 'IO_ERROR' },
  ),
  TERMINAL_NO_CARD: entry(
    408,
    '408712',
    'No card was presented at the card terminal within {seconds} s. Ask the customer to present the card, then try again.',
    { retryable: true },
  ),
  TERMINAL_READ_CARD_TIMEOUT_INVALID: entry(
    400,
    '400714',
    'Read Card waits 1 to 255 whole seconds for a card (one byte, ZVT 06 C0); got {seconds}.',
  ),
  TERMINAL_CARD_NOT_READ: entry(
    422,
    '422713',
    'The card terminal could not read the card: {reason} (ZVT result {resultCode}). Present it again or try another way to find the order.',
    { retryable: true },
  ),
  // ── Terminal host: store, checkout, host API (src-main/store, checkout, host) ─────────────────────
  STORE_NEWER_THAN_CODE: entry(
    500,
    '500801',
    'The counter database {path} has schema version {found}, but this program knows only up to {known}. ' +
      'Install the newer Counter version that wrote it; never open it with an older one.',
  ),
  STORE_CORRUPT: entry(
    500,
    '500802',
    'The counter database {path} failed its integrity check ({detail}). Nothing was changed. Save what is not ' +
      'synced with `npm run host -- export-rescue --force`, then restore a backup or start with a new data directory.',
  ),
  STORE_LOCKED: entry(
    409,
    '409803',
    'Another host (process {pid}) is using the data directory {dir}. Stop it first; two hosts must never ' +
      'sync the same queue.',
  ),
  STAFF_PIN_INVALID: entry(
    401,
    '401804',
    'Wrong PIN for {staffId}. {remaining} attempts left before lockout.',
  ),
  STAFF_LOCKED_OUT: entry(
    423,
    '423805',
    '{staffId} is locked out after too many wrong PINs until {until}. A manager can unlock the account.',
  ),
  STAFF_NOT_FOUND: entry(
    404,
    '404806',
    'No active staff member {staffId}. Check the id or enroll the person.',
  ),
  MANAGER_REQUIRED: entry(
    403,
    '403807',
    '{action} needs a manager: enter a manager PIN, or ask a manager to approve the request.',
  ),
  CATALOGUE_IMPORT_INVALID: entry(
    400,
    '400808',
    'Catalogue CSV line {line}: {reason}. Expected columns sku,barcode,name,price,taxRate (price like 12.50, ' +
      'tax rate in percent like 19).',
  ),
  CATALOGUE_ITEM_NOT_FOUND: entry(404, '404809', 'No catalogue item with SKU or barcode {code}.'),
  CHECKOUT_INVALID: entry(400, '400810', 'Cannot do this checkout: {reason}.'),
  CARD_OUTCOME_PENDING: entry(
    409,
    '409811',
    'Card payment attempt {attemptId} ({amount}) has an unknown outcome. Recover it (or a manager resolves it ' +
      'from the terminal receipt) before any new card transaction, so nobody is charged twice.',
    { retryable: true },
  ),
  CASH_DRAWER_CLOSED: entry(409, '409812', 'The cash drawer is not open. Open it with a float first.'),
  CASH_DRAWER_ALREADY_OPEN: entry(
    409,
    '409813',
    'The cash drawer is already open (since {openedAt}). Count and close it first.',
  ),
  CASH_DIFFERENCE_NEEDS_MANAGER: entry(
    403,
    '403814',
    'The count differs from the expected {expected} by {difference}, more than {limit}: a manager must ' +
      'approve with a reason.',
  ),
  REFUND_REASON_REQUIRED: entry(400, '400815', 'A refund needs a reason (at least 3 characters).'),
  REFUND_CASH_OFFLINE_CAP: entry(
    409,
    '409816',
    'Offline, this counter can refund at most {cap} in cash on order {orderId} (what it collected itself). ' +
      'Refund less, or wait until the counter is online.',
  ),
  REFUND_APPROVAL_MISMATCH: entry(
    403,
    '403817',
    'The approval {approvalId} does not cover this refund: {reason}. Ask a manager to approve this exact amount.',
  ),
  REFUND_NEEDS_CORE: entry(
    503,
    '503818',
    'A card-present refund needs the payment core to reserve the amount first, and it cannot be reached ' +
      '({detail}). Refund to the card through the core (queued) or try again when online.',
    { retryable: true, category: 'IO_ERROR' },
  ),
  VOID_NOT_ALLOWED: entry(409, '409819', 'Payment {paymentId} cannot be voided: {reason}. Use a refund.'),
  RESCUE_PASSPHRASE_WRONG: entry(
    400,
    '400820',
    'The rescue file could not be decrypted: wrong passphrase, or the file was altered.',
  ),
  RESCUE_FILE_INVALID: entry(400, '400821', 'This is not a Counter rescue file: {reason}.'),
  HOST_COMMAND_INVALID: entry(400, '400822', 'Command {command} got invalid input: {reason}.'),
  HOST_NOT_WIRED: entry(501, '501823', '{command} is not available in this host: {reason}.'),
  HOST_INTERNAL: entry(
    500,
    '500824',
    'The host failed on {command}: {detail}. This is a bug; see the host log.',
  ),
  SYNC_EXCEPTION_NOT_FOUND: entry(404, '404825', 'No open sync exception {exceptionId}.'),
  ATTEMPT_NOT_PARKED: entry(
    409,
    '409826',
    'Card attempt {attemptId} is not waiting for a manager (it is {state}); nothing to resolve.',
  ),
  REFUND_REFUSED_BY_CORE: entry(
    409,
    '409827',
    'The core refused refund {reference}: {detail}. Nothing was refunded to the card; a manager resolves it ' +
      'from the sync exceptions.',
  ),
  SECRET_STORAGE_REFUSED: entry(
    503,
    '503890',
    'Counter will not keep {secret} on this machine: {reason}. Give it in the environment instead ({env}), ' +
      'or set up the system keyring and start again.',
  ),
  // ── Counter app (issue 10): checkout ids, the basket ──────────────────────────────────────────────
  CHECKOUT_ID_REUSED: entry(
    409,
    '409828',
    'Checkout id {checkoutId} was already used for a different {command}; each new sale needs a new id ' +
      '(a retry of the same sale sends the same request again).',
  ),
  COUNTER_NOT_SET_UP: entry(
    409,
    '409829',
    'This counter is not set up yet: a manager enrols it with the payment core in Settings. Nothing was ' +
      'sold or charged.',
  ),
  // ── Offline card policy (issue 9): refused before the terminal is asked for anything ────────────
  OFFLINE_CARD_OVER_PAYMENT_LIMIT: entry(
    409,
    '409840',
    'The counter is offline: one card payment may be at most {limit} until the connection is back, and this ' +
      'one is {amount}. Take {amount} in cash, split it (cash plus a card part of at most {limit}), or wait ' +
      'for the connection.',
  ),
  OFFLINE_CARD_OVER_TOTAL_LIMIT: entry(
    409,
    '409841',
    'The counter is offline: card payments not yet forwarded may add up to at most {limit}; {queued} is ' +
      'waiting, and {amount} more would make {after}. Take cash, or wait for the connection (the waiting ' +
      'payments are forwarded at once).',
  ),
  OFFLINE_CARD_OVER_COUNT_LIMIT: entry(
    409,
    '409842',
    'The counter is offline: at most {limit} card payments may wait to be forwarded, and {queued} are ' +
      'waiting. Take cash, or wait for the connection (the waiting payments are forwarded at once).',
  ),
  OFFLINE_CARD_QUEUE_TOO_OLD: entry(
    409,
    '409843',
    'The counter is offline and card payment {paymentId}, taken {takenAt}, has waited longer than the ' +
      '{hours} h an offline card payment may wait to be forwarded: no more card payments until the ' +
      'connection is back. Take cash, and get the counter online (network, core) as soon as possible.',
  ),
  CARD_DECLINED_AT_FORWARDING: entry(
    402,
    '402844',
    'The acquirer refused card payment {paymentId} of {amount} when it was forwarded (the terminal had ' +
      'approved it): the money did not arrive. It is owed again on its order; collect it from the customer.',
    { category: 'PAYMENT_PLATFORM_ERROR' },
  ),
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export type ErrorParams = Readonly<Record<string, string | number>>;

export interface DomainError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly params: ErrorParams;
  /**
   * Whether resending can succeed, when this instance differs from its code's catalog flag. The one case:
   * REFUND_ORDER_LOCKED for a refund that *repeats* an earlier one (the seed's double-refund rule) is final —
   * resending it is the accident the rule stops — while the same code for a refund in progress is retryable.
   */
  readonly retryable?: boolean;
}

/** Whether the same request may succeed later: the instance's own flag, else its code's. */
export function isRetryable(error: DomainError): boolean {
  return error.retryable ?? ERROR_CATALOG[error.code].retryable;
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, value);
}

export function catalogEntry(code: ErrorCode): CatalogEntry {
  return ERROR_CATALOG[code];
}

/** Fills a template; a placeholder without a value stays visible as `{name}` so a missing param is noticed. */
export function formatErrorMessage(code: ErrorCode, params: ErrorParams = {}): string {
  return ERROR_CATALOG[code].message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function domainError(code: ErrorCode, params: ErrorParams = {}): DomainError {
  return { code, message: formatErrorMessage(code, params), params };
}

/**
 * For the rare places where a failure is a bug in the caller (mixing currencies in arithmetic, an id built
 * from a negative sequence): thrown, but still carrying a catalog code.
 */
export class DomainException extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  constructor(error: DomainError) {
    super(error.message);
    this.name = 'DomainException';
    this.code = error.code;
    this.params = error.params;
  }
}
