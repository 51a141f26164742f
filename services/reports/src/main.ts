#!/usr/bin/env node
import { serviceMain } from '@wadm/runtime';
import { loadEnv, QUEUES } from './env.js';
import { createHandlers } from './handlers/index.js';

await serviceMain({ service: 'reports', queues: QUEUES, loadEnv, handlers: createHandlers });
