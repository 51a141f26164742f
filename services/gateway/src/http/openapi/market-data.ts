import { MarketSymbol, Timeframe } from '@wadm/contracts';
import { ProblemCode as C } from '../problem.js';
import * as S from '../schemas.js';
import { json, plain, problems, ref, type ApiArea } from './common.js';

export function marketDataArea(): ApiArea {
  return {
    tags: [{ name: 'market-data', description: 'Candle series for backtests; admins import CSV' }],
    paths: {
      '/api/v1/market-data': {
        get: {
          operationId: 'list_series',
          tags: ['market-data'],
          summary: 'Stored candle series and the range each covers',
          responses: {
            '200': { description: 'Every series', content: json(ref('SeriesList')) },
            ...problems(),
          },
        },
      },
      '/api/v1/market-data/{symbol}/{timeframe}': {
        parameters: [
          { name: 'symbol', in: 'path', required: true, schema: plain(MarketSymbol) },
          { name: 'timeframe', in: 'path', required: true, schema: plain(Timeframe) },
        ],
        post: {
          operationId: 'import_candles',
          tags: ['market-data', 'admin'],
          summary: 'Import a candle CSV into one series, merging by time (admin)',
          description:
            'Binance klines (with or without header, ms or µs times) or ' +
            '`timestamp,open,high,low,close,volume`. Every row is checked before anything is ' +
            'written: one bad row and nothing is imported. Gaps are reported, not refused.',
          requestBody: {
            required: true,
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
          responses: {
            '200': { description: 'Imported', content: json(ref('CandleImportResult')) },
            ...problems({
              400: [C.VALIDATION_FAILED, C.MALFORMED_REQUEST, C.BODY_INCOMPLETE],
              403: [C.FORBIDDEN],
              409: [C.WRITE_CONFLICT],
              413: [C.PAYLOAD_TOO_LARGE],
              415: [C.UNSUPPORTED_MEDIA_TYPE],
              422: [C.CSV_REJECTED],
            }),
          },
        },
      },
    },
    schemas: {
      SeriesList: plain(S.SeriesList),
      CandleImportResult: plain(S.CandleImportResult),
    },
  };
}
