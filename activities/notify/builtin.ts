/**
 * The built-in plugins, written against the same plugin API as anyone's (lib/notify/plugin.ts). A new
 * built-in sink is one import and one entry here.
 */
import type { PluginV1 } from '../../lib/notify/plugin';
import { githubPlugin } from './sinks/github';
import { slackPlugin } from './sinks/slack';
import { webhookPlugin } from './sinks/webhook';

export const BUILTIN_PLUGINS: readonly PluginV1[] = [webhookPlugin, slackPlugin, githubPlugin];
