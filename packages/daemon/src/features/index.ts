import type { FeatureInstaller } from './feature-host.js';
import { installExec } from './exec.js';
import { installLogs } from './logs.js';
import { installPortForwards } from './port-forwards.js';

/** Features installed into every daemon, in order. */
export const FEATURES: readonly FeatureInstaller[] = [installLogs, installExec, installPortForwards];
