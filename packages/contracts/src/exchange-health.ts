import { Type, type Static } from '@sinclair/typebox';
import { ExchangeStatus } from './catalog/exports.js';
import { IsoTime } from './common.js';

/** Exchange names: keys of WADM_EXCHANGES, of EXCHANGE_HEALTH and subject tokens. */
export const EXCHANGE_NAME_PATTERN = /^[a-z0-9_-]{1,32}$/;

export function isValidExchangeName(value: unknown): value is string {
  return typeof value === 'string' && EXCHANGE_NAME_PATTERN.test(value);
}

/**
 * An exchange's last probe, as kept in EXCHANGE_HEALTH under its name (version 1). Written by
 * `maintenance.exchange_health` with compare-and-set, so of two probes racing, one decides a
 * status change (and its event and notification).
 */
export const ExchangeHealthRecord = Type.Object({
  v: Type.Literal(1),
  name: Type.String({ pattern: EXCHANGE_NAME_PATTERN.source }),
  status: ExchangeStatus,
  /** Of the last probe; null when nothing answered. */
  latencyMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  httpStatus: Type.Union([Type.Integer(), Type.Null()]),
  /** Why the last probe was not `up`. */
  error: Type.Optional(Type.String()),
  /** When the last probe ran. */
  checkedAt: IsoTime,
  /** When `status` became what it is (the first probe's time, for a new exchange). */
  changedAt: IsoTime,
  /** The status before `changedAt`; null for the first probe. */
  previous: Type.Union([ExchangeStatus, Type.Null()]),
});
export type ExchangeHealthRecord = Static<typeof ExchangeHealthRecord>;

/** Published on `exchange.status.<name>` (core NATS) when an exchange's status changes. */
export const ExchangeStatusEvent = Type.Object({
  v: Type.Literal(1),
  name: Type.String({ pattern: EXCHANGE_NAME_PATTERN.source }),
  /** Null: the exchange's first probe. */
  from: Type.Union([ExchangeStatus, Type.Null()]),
  to: ExchangeStatus,
  at: IsoTime,
  latencyMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  httpStatus: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Optional(Type.String()),
});
export type ExchangeStatusEvent = Static<typeof ExchangeStatusEvent>;
