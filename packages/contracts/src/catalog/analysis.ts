import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { IsoTime } from '../common.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Direction = Type.Union([Type.Literal('bullish'), Type.Literal('bearish')]);

/** A list cut to its most recent entries, with the count before the cut. */
const Recent = <T extends TSchema>(item: T) =>
  Type.Object({ total: Type.Integer({ minimum: 0 }), items: Type.Array(item) });

/** The result of `analysis.history`; times ISO-8601 UTC. */
export const AnalysisHistoryResult = Type.Object({
  bars: Type.Integer({ minimum: 0 }),
  from: Nullable(IsoTime),
  to: Nullable(IsoTime),
  returns: Type.Object({
    count: Type.Integer({ minimum: 0 }),
    mean: Type.Number(),
    stdev: Type.Number(),
    skewness: Type.Number(),
    excessKurtosis: Type.Number(),
    min: Type.Number(),
    max: Type.Number(),
    /** Keyed `p1`, `p5`, `p25`, `p50`, `p75`, `p95`, `p99`. */
    percentiles: Type.Record(Type.String(), Type.Number()),
    histogram: Type.Array(
      Type.Object({ from: Type.Number(), to: Type.Number(), count: Type.Integer() }),
    ),
  }),
  volatility: Type.Object({
    period: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]),
    rows: Recent(
      Type.Object({
        start: IsoTime,
        returns: Type.Integer(),
        change: Type.Number(),
        annualisedVolatility: Type.Number(),
      }),
    ),
  }),
  /** The ten deepest drawdowns of the closes, deepest first. */
  drawdowns: Type.Array(
    Type.Object({
      peakTime: IsoTime,
      troughTime: IsoTime,
      recoveryTime: Nullable(IsoTime),
      depth: Type.Number(),
    }),
  ),
  structure: Type.Object({
    swingLookback: Type.Integer({ minimum: 1 }),
    swings: Recent(
      Type.Object({
        kind: Type.Union([Type.Literal('high'), Type.Literal('low')]),
        time: IsoTime,
        price: Type.Number(),
        confirmedTime: IsoTime,
      }),
    ),
    breaks: Recent(
      Type.Object({
        direction: Direction,
        time: IsoTime,
        level: Type.Number(),
        swingTime: IsoTime,
      }),
    ),
    fairValueGaps: Type.Object({
      ...Recent(
        Type.Object({
          direction: Direction,
          time: IsoTime,
          bottom: Type.Number(),
          top: Type.Number(),
          filledTime: Nullable(IsoTime),
        }),
      ).properties,
      unfilled: Type.Integer({ minimum: 0 }),
    }),
  }),
});
export type AnalysisHistoryResult = Static<typeof AnalysisHistoryResult>;
