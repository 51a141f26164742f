import { ExchangeHealthRecord } from '@wadm/contracts';
import { ExchangeHealthList } from '../routes/exchanges.js';
import { json, plain, problems, ref, type ApiArea } from './common.js';

export function exchangesArea(): ApiArea {
  return {
    tags: [{ name: 'exchanges', description: 'Exchange connectivity, probed every 30 s' }],
    paths: {
      '/api/v1/exchanges/health': {
        get: {
          operationId: 'exchange_health',
          tags: ['exchanges'],
          summary: "Each exchange's last probe: up, degraded or down, and since when",
          description:
            '`maintenance.exchange_health` (the seed schedule `exchange-health-check`) keeps ' +
            'these; a status change is also published on `exchange.status.<name>`.',
          responses: {
            '200': { description: 'By name', content: json(ref('ExchangeHealthList')) },
            ...problems(),
          },
        },
      },
    },
    schemas: {
      ExchangeHealthRecord: plain(ExchangeHealthRecord),
      ExchangeHealthList: {
        ...plain(ExchangeHealthList),
        properties: { exchanges: { type: 'array', items: ref('ExchangeHealthRecord') } },
      },
    },
  };
}
