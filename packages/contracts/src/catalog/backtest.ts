import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, MarketSymbol, Timeframe } from '../common.js';

export const STRATEGY_NAMES = [
  'sma_cross',
  'ema_cross',
  'rsi_reversion',
  'macd_cross',
  'bollinger_reversion',
  'donchian_breakout',
] as const;
export const StrategyName = Type.Union(STRATEGY_NAMES.map((n) => Type.Literal(n)));
export type StrategyName = Static<typeof StrategyName>;

const Series = {
  symbol: MarketSymbol,
  timeframe: Timeframe,
  from: Type.Optional(IsoTime),
  to: Type.Optional(IsoTime),
};
const Costs = {
  initialCapital: Type.Number({ exclusiveMinimum: 0, default: 10_000 }),
  feeBps: Type.Number({ minimum: 0, maximum: 1000, default: 10 }),
  slippageBps: Type.Number({ minimum: 0, maximum: 1000, default: 0 }),
  allowShort: Type.Boolean({ default: false }),
};

export const BacktestRunParams = Type.Object(
  {
    ...Series,
    strategy: Type.Object(
      {
        name: StrategyName,
        params: Type.Record(Type.String(), Type.Number(), { default: {} }),
      },
      { additionalProperties: false },
    ),
    ...Costs,
  },
  { additionalProperties: false },
);
export type BacktestRunParams = Static<typeof BacktestRunParams>;

export const Trade = Type.Object({
  side: Type.Union([Type.Literal('long'), Type.Literal('short')]),
  entryTime: IsoTime,
  entryPrice: Type.Number(),
  exitTime: IsoTime,
  exitPrice: Type.Number(),
  size: Type.Number(),
  fee: Type.Number(),
  pnl: Type.Number(),
});
export type Trade = Static<typeof Trade>;

export const BacktestMetrics = Type.Object({
  initialCapital: Type.Number(),
  finalEquity: Type.Number(),
  totalReturn: Type.Number(),
  cagr: Type.Number(),
  maxDrawdown: Type.Number(),
  sharpe: Type.Number(),
  sortino: Type.Number(),
  trades: Type.Integer(),
  winRate: Type.Number(),
  profitFactor: Type.Number(),
  exposure: Type.Number(),
});
export type BacktestMetrics = Static<typeof BacktestMetrics>;

export const BacktestRunResult = Type.Object({
  metrics: BacktestMetrics,
  trades: Type.Array(Trade),
  equity: Type.Optional(Type.Array(Type.Tuple([IsoTime, Type.Number()]))),
});
export type BacktestRunResult = Static<typeof BacktestRunResult>;

export const SweepObjective = Type.Union(
  ['sharpe', 'sortino', 'totalReturn', 'cagr', 'profitFactor'].map((o) => Type.Literal(o)),
);

export const BacktestSweepParams = Type.Object(
  {
    ...Series,
    strategy: Type.Object(
      {
        name: StrategyName,
        grid: Type.Record(
          Type.String(),
          Type.Array(Type.Number(), { minItems: 1, maxItems: 1000 }),
        ),
      },
      { additionalProperties: false },
    ),
    objective: Type.Optional(SweepObjective),
    top: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
    ...Costs,
  },
  { additionalProperties: false },
);
export type BacktestSweepParams = Static<typeof BacktestSweepParams>;

export const BacktestSweepResult = Type.Object({
  objective: Type.String(),
  combinations: Type.Integer(),
  top: Type.Array(
    Type.Object({ params: Type.Record(Type.String(), Type.Number()), metrics: BacktestMetrics }),
  ),
});
export type BacktestSweepResult = Static<typeof BacktestSweepResult>;

export const AnalysisHistoryParams = Type.Object(
  {
    ...Series,
    swingLookback: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
  },
  { additionalProperties: false },
);
export type AnalysisHistoryParams = Static<typeof AnalysisHistoryParams>;
