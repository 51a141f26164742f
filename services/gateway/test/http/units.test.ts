import { describe, expect, it } from 'vitest';
import { componentName } from '../../src/http/openapi.js';
import { problemType } from '../../src/http/problem.js';
import { contentDisposition } from '../../src/http/routes/results.js';

describe('REST helpers', () => {
  it('contentDisposition - an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('report-2024-01-02.pdf')).toBe(
      `attachment; filename="report-2024-01-02.pdf"; filename*=UTF-8''report-2024-01-02.pdf`,
    );
    const header = contentDisposition('résumé "q1"\\(final).csv');
    expect(header).toContain('filename="r_sum_ _q1__(final).csv"');
    expect(header).toContain(`filename*=UTF-8''r%C3%A9sum%C3%A9%20%22q1%22%5C%28final%29.csv`);
    // Nothing that could end the header or start another one.
    expect(contentDisposition('a\r\nSet-Cookie: x=1')).not.toMatch(/[\r\n]/);
  });

  it('componentName - task types become schema names', () => {
    expect(componentName('backtest.run')).toBe('BacktestRun');
    expect(componentName('maintenance.exchange_health')).toBe('MaintenanceExchangeHealth');
  });

  it('problemType - points at the docs anchor of the code', () => {
    expect(problemType('QUOTA_EXCEEDED')).toBe('/docs#problem-quota-exceeded');
  });
});
