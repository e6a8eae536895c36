import { parentPort, workerData } from 'node:worker_threads';
import { parseConfig } from './load.js';

/** Parses and validates one config source off the main thread (see parse-off-thread.ts). */
const { file, source } = workerData as { file: string; source: string };
const r = parseConfig(file, source);
parentPort?.postMessage({ config: r.config, problems: r.problems });
