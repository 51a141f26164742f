#!/usr/bin/env node
import { serviceMain } from '@wadm/runtime';
import { loadEnv } from './env.js';
import { createHandlers } from './handlers/index.js';

await serviceMain({
  service: 'exports',
  queues: ['exports', 'maintenance'],
  loadEnv,
  handlers: createHandlers,
});
