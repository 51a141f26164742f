/**
 * Regenerates src/generated/openapi.ts from the built gateway's document
 * (`services/gateway/dist`, so build first: `npm run build`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { generateTypes } from './generate-types.mjs';

const gateway = new URL('../../../services/gateway/dist/http/openapi.js', import.meta.url);
const { buildOpenApi } = await import(gateway.href);
const target = new URL('../src/generated/openapi.ts', import.meta.url);
const types = await generateTypes(buildOpenApi());
// Unchanged: left alone, so an incremental build has nothing to redo.
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {
  current = '';
}
if (current !== types) {
  writeFileSync(target, types);
  console.log(`api-client: regenerated ${target.pathname} from the gateway's document`);
}
