#!/usr/bin/env node
// Writes docs/rpc.md from the API's declarations — what rpc/discover answers (npm run docs:rpc;
// build first). `--check` writes nothing and exits 1 when docs/rpc.md is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeApi, ErrorCodes, MAX_MESSAGE_BYTES } from '@kubetile/rpc-schema';
import { renderRpcDoc } from './render-rpc.mjs';

const file = fileURLToPath(new URL('./rpc.md', import.meta.url));
const text = renderRpcDoc(describeApi(), ErrorCodes, MAX_MESSAGE_BYTES);
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    /* missing */
  }
  if (old !== text) {
    console.error('docs/rpc.md is out of date: run npm run docs:rpc');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
