import {
  TIMEFRAME_MS,
  type AlertRule,
  type AlertsEvaluateResult,
  type AlertState,
  type Timeframe,
} from '@wadm/contracts';
import type { CandleStore, SeriesInfo } from '@wadm/market-data';
import type { Logger, SubmitRequest, SubmitResult } from '@wadm/runtime';
import type { AlertBuckets } from './alert-buckets.js';
import { barsNeeded, observe } from './conditions.js';
import type { Revisioned } from './kv-mirror.js';
import { readLatest } from './latest-candles.js';
import { notificationsFor } from './notifications.js';
import { SeriesView } from './series-view.js';
import { step } from './transition.js';

/** Candle series read at once: each is a store round trip. */
const SERIES_CONCURRENCY = 4;
/** State writes and task submissions in flight at once. */
const WRITE_CONCURRENCY = 64;

export interface EvaluateDeps {
  buckets: AlertBuckets;
  candles: CandleStore;
  submit(req: SubmitRequest): Promise<SubmitResult>;
  logger: Logger;
  now?: () => number;
}

interface Pending {
  key: string;
  rule: AlertRule;
  state: AlertState;
  revision: number;
}

/**
 * One `alerts.evaluate` run. Each rule's transition is written to ALERT_STATE with
 * compare-and-set before anything is sent; a trigger's notifications are submitted under keys
 * derived from it, then the trigger is marked notified. A run that dies in between leaves the
 * trigger unmarked, and the next run (or this one's redelivery) submits the same keys again,
 * which the task client answers with the tasks already made: never two notifications.
 */
export async function evaluateAlerts(
  deps: EvaluateDeps,
  owner: string | undefined,
  signal: AbortSignal,
): Promise<AlertsEvaluateResult> {
  const started = performance.now();
  const now = (deps.now ?? Date.now)();
  const [rules, states, series] = await Promise.all([
    deps.buckets.loadRules(owner),
    deps.buckets.loadStates(owner),
    deps.candles.listSeries(),
  ]);
  const enabled: [string, AlertRule][] = [];
  for (const [key, { value }] of rules) if (value.enabled) enabled.push([key, value]);
  const views = await loadSeries(
    deps.candles,
    enabled.map(([, r]) => r),
    series,
    signal,
  );
  const result: AlertsEvaluateResult = {
    rules: enabled.length,
    triggered: 0,
    suppressed: 0,
    notifications: 0,
    series: views.size,
    noData: 0,
    durationMs: 0,
  };
  const writes: Pending[] = [];
  const toNotify: Pending[] = [];
  for (const [key, rule] of enabled) {
    const stored: Revisioned<AlertState> | undefined = states.get(key);
    const view = views.get(seriesId(rule.symbol, rule.timeframe));
    const seen = view ? observe(rule.condition, view) : undefined;
    if (!view || !seen) {
      result.noData++;
      continue;
    }
    const { next, outcome } = step(rule, stored?.value, seen, view.lastTime, now);
    if (outcome === 'triggered') result.triggered++;
    if (outcome === 'suppressed') result.suppressed++;
    if (next) writes.push({ key, rule, state: next, revision: stored?.revision ?? 0 });
    else if (stored?.value.lastTrigger?.notified === false) {
      // Triggered by a run that died before its notifications were marked sent.
      toNotify.push({ key, rule, state: stored.value, revision: stored.revision });
    }
  }
  signal.throwIfAborted();
  // Deleting a rule leaves its state behind (the gateway may not write here): cleared now.
  const orphans = [...states.keys()].filter((key) => !rules.has(key));
  await forEachLimited(orphans, WRITE_CONCURRENCY, (key) => deps.buckets.deleteState(key));
  await forEachLimited(writes, WRITE_CONCURRENCY, async (w) => {
    const revision = await deps.buckets.writeState(w.key, w.state, w.revision);
    // Lost to a concurrent evaluation: that one owns this transition and its notifications.
    if (revision === false) return;
    if (w.state.lastTrigger?.notified === false) toNotify.push({ ...w, revision });
  });
  signal.throwIfAborted();
  await forEachLimited(toNotify, WRITE_CONCURRENCY, async (p) => {
    const trigger = p.state.lastTrigger;
    if (!trigger) return;
    for (const req of notificationsFor(p.rule, trigger, p.state.bar)) {
      // A duplicate is a notification an earlier run already made: not counted again.
      if (!(await deps.submit(req)).duplicate) result.notifications++;
    }
    const marked: AlertState = { ...p.state, lastTrigger: { ...trigger, notified: true } };
    if ((await deps.buckets.writeState(p.key, marked, p.revision)) === false) {
      deps.logger.warn({ rule: p.key }, 'alert state moved on while notifying; left as it is');
    }
  });
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

function seriesId(symbol: string, timeframe: string): string {
  return `${symbol}/${timeframe}`;
}

/** The latest bars of every series a rule reads, as many as its most demanding rule needs. */
async function loadSeries(
  store: CandleStore,
  rules: readonly AlertRule[],
  stored: readonly SeriesInfo[],
  signal: AbortSignal,
): Promise<Map<string, SeriesView>> {
  const need = new Map<string, { symbol: string; timeframe: Timeframe; bars: number }>();
  for (const r of rules) {
    const id = seriesId(r.symbol, r.timeframe);
    const bars = barsNeeded(r.condition);
    const cur = need.get(id);
    if (!cur) need.set(id, { symbol: r.symbol, timeframe: r.timeframe, bars });
    else cur.bars = Math.max(cur.bars, bars);
  }
  const last = new Map(stored.map((s) => [seriesId(s.symbol, s.timeframe), s.to]));
  const views = new Map<string, SeriesView>();
  await forEachLimited([...need], SERIES_CONCURRENCY, async ([id, { symbol, timeframe, bars }]) => {
    signal.throwIfAborted();
    const to = last.get(id);
    if (to === undefined) return;
    const from = to - (bars - 1) * TIMEFRAME_MS[timeframe];
    const candles = await readLatest(store, symbol, timeframe, from, to, bars);
    if (candles.time.length > 0) views.set(id, new SeriesView(candles));
  });
  return views;
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
