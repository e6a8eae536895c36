import { parentPort, workerData } from 'node:worker_threads';
import { parseEditYaml } from './edit-yaml.js';

/** Reads one edit's YAML off the main thread (see edit-yaml-off-thread.ts). */
parentPort?.postMessage(parseEditYaml((workerData as { text: string }).text));
