import { describe, expect, it } from 'vitest';
import { isApiPath } from './api-path.js';

describe('api path', () => {
  it('isApiPath - every spelling of /api is under /api', () => {
    for (const path of [
      '/api',
      '/api/v1/tasks',
      '/API/v1/tasks',
      '//api/v1/tasks',
      '/%61pi/v1/tasks',
      '/api%2Fv1',
      '/x/../api/v1',
      '/./api',
      '/api;x=1',
      '\\api\\v1',
      '/%E0%A4%A',
    ]) {
      expect(isApiPath(path), path).toBe(true);
    }
  });

  it('isApiPath - the public routes are not', () => {
    for (const path of ['/', '/healthz', '/readyz', '/openapi.json', '/docs', '/apidocs']) {
      expect(isApiPath(path), path).toBe(false);
    }
  });
});
