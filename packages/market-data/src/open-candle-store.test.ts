import { describe, expect, it } from 'vitest';
import { mongoDatabaseName } from './open-candle-store.js';

describe('open-candle-store', () => {
  it('mongoDatabaseName - takes the database from the URL path, else wadm', () => {
    expect(mongoDatabaseName('mongodb://localhost:27017/trading?retryWrites=true')).toBe('trading');
    expect(mongoDatabaseName('mongodb://u:p%40ss@h1:1,h2:2/wadm_prod')).toBe('wadm_prod');
    expect(mongoDatabaseName('mongodb+srv://cluster.example.net/?w=majority')).toBe('wadm');
    expect(mongoDatabaseName('mongodb://localhost')).toBe('wadm');
  });
});
