import type { BacktestExportPart, BacktestMetrics, BacktestRunParams } from '@wadm/contracts';
import type { FinishedBacktest } from './backtest-source.js';
import { batchesOf, type Cell, type ExportTable, type Row, type TableColumn } from './table.js';

const TRADE_COLUMNS: readonly TableColumn[] = [
  { header: 'trade', kind: 'number', width: 8 },
  { header: 'side', kind: 'text', width: 8 },
  { header: 'entry time', kind: 'time', width: 24 },
  { header: 'entry price', kind: 'number', width: 14 },
  { header: 'exit time', kind: 'time', width: 24 },
  { header: 'exit price', kind: 'number', width: 14 },
  { header: 'size', kind: 'number', width: 14 },
  { header: 'fee', kind: 'number', width: 12 },
  { header: 'pnl', kind: 'number', width: 14 },
];
const EQUITY_COLUMNS: readonly TableColumn[] = [
  { header: 'time', kind: 'time', width: 24 },
  { header: 'equity', kind: 'number', width: 16 },
];
const METRIC_COLUMNS: readonly TableColumn[] = [
  { header: 'metric', kind: 'text', width: 22 },
  { header: 'value', kind: 'number', width: 24 },
];
/** The metrics in the order a reader scans them: outcome, risk, then trading. */
const METRIC_KEYS: readonly (keyof BacktestMetrics)[] = [
  'initialCapital',
  'finalEquity',
  'totalReturn',
  'cagr',
  'maxDrawdown',
  'sharpe',
  'sortino',
  'trades',
  'winRate',
  'profitFactor',
  'exposure',
];

/** JSON has no Infinity or NaN: a metric without a finite value is an empty cell. */
const num = (value: unknown): Cell =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** The tables of `parts`, in that order. */
export function backtestTables(
  backtest: FinishedBacktest,
  parts: readonly BacktestExportPart[],
): { tables: ExportTable[]; expectedRows: number } {
  const tables = parts.map((part) => {
    const { columns, rows } = partTable(backtest, part);
    return { name: part, columns, rows, count: rows.length };
  });
  return {
    tables: tables.map(({ name, columns, rows }) => ({ name, columns, rows: batchesOf(rows) })),
    expectedRows: tables.reduce((sum, t) => sum + t.count, 0),
  };
}

function partTable(
  backtest: FinishedBacktest,
  part: BacktestExportPart,
): { columns: readonly TableColumn[]; rows: Row[] } {
  if (backtest.type === 'backtest.sweep') return rankingTable(backtest);
  const { result, state } = backtest;
  switch (part) {
    case 'trades':
      return {
        columns: TRADE_COLUMNS,
        rows: result.trades.map((t, i) => [
          i + 1,
          t.side,
          new Date(t.entryTime),
          t.entryPrice,
          new Date(t.exitTime),
          t.exitPrice,
          t.size,
          t.fee,
          t.pnl,
        ]),
      };
    case 'equity':
      return {
        columns: EQUITY_COLUMNS,
        rows: (result.equity ?? []).map(([time, equity]) => [new Date(time), equity]),
      };
    default:
      return {
        columns: METRIC_COLUMNS,
        rows: [
          ...setupRows(state.id, state.params as BacktestRunParams),
          ...METRIC_KEYS.map((key): Row => [key, num(result.metrics[key])]),
        ],
      };
  }
}

/** What was backtested, above the metrics, so a file read alone says what it measured. */
function setupRows(taskId: string, params: BacktestRunParams): Row[] {
  const rows: Row[] = [
    ['task', taskId],
    ['symbol', params.symbol],
    ['timeframe', params.timeframe],
  ];
  if (params.from !== undefined) rows.push(['from', new Date(params.from).toISOString()]);
  if (params.to !== undefined) rows.push(['to', new Date(params.to).toISOString()]);
  rows.push(['strategy', params.strategy.name]);
  for (const [name, value] of Object.entries(params.strategy.params)) {
    rows.push([`strategy.${name}`, num(value)]);
  }
  rows.push(
    ['feeBps', num(params.feeBps)],
    ['slippageBps', num(params.slippageBps)],
    ['allowShort', String(params.allowShort)],
  );
  return rows;
}

/** A sweep's ranked table: rank, the grid's parameters, then every metric. */
function rankingTable(backtest: Extract<FinishedBacktest, { type: 'backtest.sweep' }>): {
  columns: readonly TableColumn[];
  rows: Row[];
} {
  const { top } = backtest.result;
  const names = [...new Set(top.flatMap((entry) => Object.keys(entry.params)))];
  const columns: TableColumn[] = [
    { header: 'rank', kind: 'number', width: 8 },
    ...names.map((name): TableColumn => ({ header: name, kind: 'number', width: 12 })),
    ...METRIC_KEYS.map((key): TableColumn => ({ header: key, kind: 'number', width: 16 })),
  ];
  const rows = top.map((entry, i): Row => [
    i + 1,
    ...names.map((name) => num(entry.params[name])),
    ...METRIC_KEYS.map((key) => num(entry.metrics[key])),
  ]);
  return { columns, rows };
}
