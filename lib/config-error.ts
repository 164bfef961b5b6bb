import { UserError } from './errors';

/** The config file's name and its error, apart from the schema (lib/config.ts), which loads zod. */

export const CONFIG_FILE = 'buildrunner.config.json';

export class ConfigError extends UserError {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message, { code: 'CONFIG_INVALID' });
  }
}
