#!/usr/bin/env node
import { runMain } from '@wadm/runtime';
import { loadEnv } from './env.js';
import { startScheduler } from './scheduler.js';

await runMain({ service: 'scheduler', loadEnv, start: startScheduler });
