import type { PaneRegistry } from '../registry.js';
import { AppLogsPane } from './app-logs-pane.js';
import { EmptyPane } from './empty-pane.js';
import { HelpPane } from './help-pane.js';
import { ResourceListPane } from '../resource/resource-list-pane.js';
import { ObjectPane } from '../resource/object-pane.js';

/** The built-in pane types; everything else arrives through the same registry. */
export function registerBuiltins(registry: PaneRegistry): void {
  registry.register('empty', (ctx) => new EmptyPane(ctx));
  registry.register('help', (ctx) => new HelpPane(ctx));
  registry.register('app-logs', (ctx) => new AppLogsPane(ctx));
  registry.register('resource-list', (ctx) => new ResourceListPane(ctx));
  registry.register('resource-yaml', (ctx) => new ObjectPane(ctx, 'yaml'));
  registry.register('resource-describe', (ctx) => new ObjectPane(ctx, 'describe'));
  registry.register('resource-detail', (ctx) => new ObjectPane(ctx, 'detail'));
  registry.register('resource-decoded', (ctx) => new ObjectPane(ctx, 'decoded'));
}
