import type { ServiceContext } from '../services/context';

/**
 * How the MCP server reaches the services: a fresh ServiceContext per call (so an edited
 * buildrunner.config.json is picked up without restarting the client), built the way the CLI builds one.
 */
export type ContextFactory = () => Promise<ServiceContext> | ServiceContext;
