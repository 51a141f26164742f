import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ObjectCandleStore, SeriesNotFoundError } from '@wadm/market-data';
import { NatsServer, stopAll } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, wadm, type CliRun } from './cli-process.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** Binance kline rows (µs open times, as spot files since 2025) at `T0 + hours[i]` hours. */
function klines(hours: readonly number[]): string {
  return hours
    .map((h) => {
      const open = (T0 + h * H) * 1000;
      return `${open},100.0,110.0,95.0,105.0,12.5,${open + H * 1000 - 1},0,0,0,0,0`;
    })
    .join('\n');
}

describe('wadm import-candles - against nats-server', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let dir: string;
  let cli: (...args: string[]) => Promise<CliRun>;
  let n = 0;
  /** A fresh symbol per test: they share one server. */
  const symbol = (): string => `CLI${++n}USDT`;
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  beforeAll(async () => {
    server = await NatsServer.start();
    dir = await mkdtemp(join(tmpdir(), 'wadm-cli-import-'));
    // An empty MONGODB_URL keeps the import in NATS even where the machine has MongoDB.
    cli = (...args) => wadm(args, { server: server.url, env: { MONGODB_URL: '' } });
    expect((await cli('provision')).code).toBe(0);
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await rm(dir, { recursive: true, force: true });
    await stopAll();
  });

  it('wadm import-candles - stores a Binance file and says what it did, gaps on stderr', async () => {
    const sym = symbol();
    const path = await file('klines.csv', klines([0, 1, 2, 5, 6]));
    const run = await cli('import-candles', '--symbol', sym, '--timeframe', '1h', '--file', path);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      `imported 5 rows of ${path} (binance, no header)`,
      `series:   ${sym} 1h in object store MARKET_DATA`,
      'range:    2024-01-01 00:00:00Z to 2024-01-01 06:00:00Z',
      'changes:  5 new, 0 replaced; 5 candles stored',
      '',
    ]);
    expect(run.stderr.split('\n')).toEqual([
      'warning: 1 gap, 2 bars missing',
      '  after 2024-01-01 02:00:00Z, before 2024-01-01 05:00:00Z: 2 missing',
      '',
    ]);
    const stored = await (await ObjectCandleStore.open(nc)).getCandles(sym, '1h');
    expect(Array.from(stored.time)).toEqual([0, 1, 2, 5, 6].map((h) => T0 + h * H));
  });

  it('wadm import-candles --json - a re-import merges by time', async () => {
    const sym = symbol();
    const header = 'timestamp,open,high,low,close,volume\n';
    const first = await file(
      'first.csv',
      `${header}2024-01-01,10,12,9,11,1\n2024-01-02,11,13,10,12,1`,
    );
    const second = await file(
      'second.csv',
      `${header}2024-01-02,11,14,10,13,2\n2024-01-03,13,15,12,14,1`,
    );
    await cli('import-candles', '--symbol', sym, '--timeframe', '1d', '--file', first);
    const run = await cli(
      'import-candles',
      '--symbol',
      sym,
      '--timeframe',
      '1d',
      '--file',
      second,
      '--json',
    );
    expect(run.code).toBe(0);
    expect(json(run)).toEqual({
      file: second,
      store: 'object store MARKET_DATA',
      symbol: sym,
      timeframe: '1d',
      format: 'ohlcv',
      header: true,
      rows: 2,
      from: '2024-01-02T00:00:00.000Z',
      to: '2024-01-03T00:00:00.000Z',
      inserted: 1,
      updated: 1,
      total: 3,
      gaps: [],
      gapCount: 0,
      missingBars: 0,
    });
    const stored = await (await ObjectCandleStore.open(nc)).getCandles(sym, '1d');
    expect(Array.from(stored.close)).toEqual([11, 13, 14]);
  });

  it('wadm import-candles - lists bad rows by line, exits 1 and stores nothing', async () => {
    const sym = symbol();
    const rows = klines([0, 1, 2, 3]).split('\n');
    rows[1] = rows[1]?.replace('110.0', '99.0') ?? '';
    rows[3] = rows[2] ?? '';
    const path = await file('bad.csv', rows.join('\n'));
    const run = await cli('import-candles', '--symbol', sym, '--timeframe', '1h', '--file', path);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      `wadm import-candles: ${path}: 2 bad rows of 4; nothing was imported`,
      '  line 2: high 99 is below max(open, close)',
      '  line 4: time 2024-01-01T02:00:00.000Z repeats line 3',
      '',
    ]);
    const store = await ObjectCandleStore.open(nc);
    await expect(store.getCandles(sym, '1h')).rejects.toBeInstanceOf(SeriesNotFoundError);
  });

  it('wadm import-candles - refuses a bad command line before touching NATS', async () => {
    const path = await file('ok.csv', klines([0]));
    const offline = (...args: string[]): Promise<CliRun> =>
      wadm(args, { server: 'nats://127.0.0.1:1', env: { MONGODB_URL: '' } });
    const missing = await offline('import-candles', '--symbol', 'BTCUSDT', '--file', path);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'wadm import-candles: --symbol, --timeframe and --file are required (see "wadm import-candles --help")\n',
    ]);
    const badTimeframe = await offline(
      'import-candles',
      '--symbol',
      'BTCUSDT',
      '--timeframe',
      '2h',
      '--file',
      path,
    );
    expect(badTimeframe.code).toBe(2);
    expect(badTimeframe.stderr).toContain(
      'invalid timeframe "2h": use one of 1m, 5m, 15m, 1h, 4h, 1d',
    );
    const noFile = await offline(
      'import-candles',
      '--symbol',
      'BTCUSDT',
      '--timeframe',
      '1h',
      '--file',
      join(dir, 'nope.csv'),
    );
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain(`cannot read --file ${join(dir, 'nope.csv')}: ENOENT`);
  });

  it('wadm import-candles - tells to provision when MARKET_DATA does not exist', async () => {
    const bare = await NatsServer.start();
    const path = await file('one.csv', klines([0]));
    const run = await wadm(
      ['import-candles', '--symbol', 'BTCUSDT', '--timeframe', '1h', '--file', path],
      {
        server: bare.url,
        env: { MONGODB_URL: '' },
      },
    );
    await bare.stop();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `wadm import-candles: NATS at ${bare.url} is not provisioned (no MARKET_DATA object store): run "wadm provision" first\n`,
    );
  });
});
