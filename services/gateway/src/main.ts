#!/usr/bin/env node
import { runMain } from '@wadm/runtime';
import { loadEnv } from './env.js';
import { startGateway } from './gateway.js';

await runMain({ service: 'gateway', loadEnv, start: startGateway });
