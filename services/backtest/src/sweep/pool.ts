import type { BacktestMetrics } from '@wadm/contracts';
import { Piscina } from 'piscina';
import type { Candles, HistoryAnalysis, HistoryOptions, Timeframe } from '@wadm/analysis';
import type { Costs, StrategySpec } from '../engine/index.js';
import { TopCombinations, type RankedCombination } from './rank.js';
import { shareCandles } from './shared-candles.js';
import type { HistoryTask, SweepChunk } from './thread.js';

/**
 * Bars one chunk simulates in all, some 60 ms of an SMA cross: small enough for steady progress,
 * for a prompt share of the threads between sweeps that run at once, and for little lost work
 * when a thread is terminated; large enough that the cost of a task message stays negligible.
 */
const CHUNK_BARS = 1_000_000;
/** At most this many combinations per chunk, so progress moves on short series too. */
const MAX_CHUNK = 64;
/** Small sweeps still report progress a few times per thread. */
const CHUNKS_PER_LANE = 4;

export interface SweepRequest {
  candles: Candles;
  timeframe: Timeframe;
  costs: Costs;
  strategies: readonly StrategySpec[];
  /** The metric that ranks combinations, highest first. */
  objective: string;
  /** How many of the best combinations to return. */
  top: number;
  /** Aborting it terminates the threads running this sweep's chunks; the sweep rejects with its reason. */
  signal: AbortSignal;
  /** Called each time a chunk of combinations finishes. */
  onProgress(done: number, total: number): void;
}

/**
 * The engine's CPU-heavy work on worker threads, off the event loop, so heartbeats, `working()`
 * and cancels keep flowing: the combinations of sweeps and historical analyses.
 */
export class EnginePool {
  private readonly piscina: Piscina;

  constructor(readonly threads: number) {
    this.piscina = new Piscina({
      filename: new URL('./thread.js', import.meta.url).href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 60_000,
    });
  }

  /** Backtests every strategy over the candles; the `top` best by the objective. */
  async sweep(req: SweepRequest): Promise<RankedCombination[]> {
    const { strategies, signal } = req;
    signal.throwIfAborted();
    const candles = shareCandles(req.candles);
    const total = strategies.length;
    const size = Math.max(
      1,
      Math.min(
        MAX_CHUNK,
        Math.ceil(total / (CHUNKS_PER_LANE * this.threads)),
        Math.floor(CHUNK_BARS / candles.bars),
      ),
    );
    const ranking = new TopCombinations(req.objective, req.top);
    // One failed chunk stops the others: the sweep's result is lost anyway.
    const failed = new AbortController();
    const taskSignal = AbortSignal.any([signal, failed.signal]);
    let next = 0;
    let done = 0;
    // A lane keeps one chunk in flight; a sweep has as many lanes as threads, so sweeps that run
    // at once take turns on the threads instead of queueing whole behind each other.
    const lane = async (): Promise<void> => {
      while (next < total) {
        const start = next;
        next += size;
        const chunk: SweepChunk = {
          candles,
          timeframe: req.timeframe,
          costs: req.costs,
          strategies: strategies.slice(start, start + size),
        };
        const metrics: BacktestMetrics[] = await this.piscina.run(chunk, {
          name: 'sweepChunk',
          signal: taskSignal,
        });
        metrics.forEach((m, i) => ranking.offer(start + i, chunk.strategies[i]!.params, m));
        done += metrics.length;
        req.onProgress(done, total);
      }
    };
    const lanes = Math.min(this.threads, Math.ceil(total / size));
    try {
      await Promise.all(Array.from({ length: lanes }, lane));
    } catch (err) {
      failed.abort(err);
      // Piscina rejects with its own AbortError; the caller's reason says why (revoked, time limit).
      throw signal.aborted ? signal.reason : err;
    }
    return ranking.results();
  }

  /** `analyzeHistory` on a thread; aborting `signal` terminates it. */
  async history(
    candles: Candles,
    options: HistoryOptions,
    signal: AbortSignal,
  ): Promise<HistoryAnalysis> {
    const task: HistoryTask = { candles: shareCandles(candles), options };
    try {
      return (await this.piscina.run(task, { name: 'history', signal })) as HistoryAnalysis;
    } catch (err) {
      throw signal.aborted ? signal.reason : err;
    }
  }

  /** Terminates the threads; tasks still queued or running reject. */
  close(): Promise<void> {
    return this.piscina.destroy();
  }
}
