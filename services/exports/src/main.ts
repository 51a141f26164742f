#!/usr/bin/env node
import { serviceMain } from '@wadm/runtime';
import { loadEnv } from './env.js';

// Serves diagnostics.echo until the exports issue adds the service's own queue and handlers.
await serviceMain({ service: 'exports', queues: [], handlers: {}, loadEnv });
