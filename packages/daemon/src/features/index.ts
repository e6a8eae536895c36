import type { FeatureInstaller } from './feature-host.js';
import { installExec } from './exec.js';
import { installLogs } from './logs.js';
import { installPortForwards } from './port-forwards.js';
import { installQuery } from './query.js';
import { installDebug } from './debug.js';
import { installWorkloadViews } from './workload-views.js';
import { installCommands } from './commands.js';

/** Features installed into every daemon, in order. */
export const FEATURES: readonly FeatureInstaller[] = [installLogs, installExec, installPortForwards, installDebug, installWorkloadViews, installQuery, installCommands];
