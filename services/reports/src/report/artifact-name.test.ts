import { describe, expect, it } from 'vitest';
import { reportArtifactName } from './artifact-name.js';

const WATCHLIST = ['BTCUSDT', 'ETHUSDT'];

describe('reportArtifactName', () => {
  it('reportArtifactName - the watchlist at 1h is the report of the day', () => {
    expect(reportArtifactName('2024-06-30', WATCHLIST, '1h', WATCHLIST)).toBe(
      'reports/daily/2024-06-30.pdf',
    );
  });

  it('reportArtifactName - other symbols, order or timeframe get names of their own, stable', () => {
    const names = [
      reportArtifactName('2024-06-30', ['BTCUSDT'], '1h', WATCHLIST),
      reportArtifactName('2024-06-30', ['ETHUSDT', 'BTCUSDT'], '1h', WATCHLIST),
      reportArtifactName('2024-06-30', WATCHLIST, '4h', WATCHLIST),
    ];
    for (const name of names)
      expect(name).toMatch(/^reports\/daily\/2024-06-30-[0-9a-f]{12}\.pdf$/);
    expect(new Set(names).size).toBe(3);
    expect(reportArtifactName('2024-06-30', ['BTCUSDT'], '1h', WATCHLIST)).toBe(names[0]);
  });
});
