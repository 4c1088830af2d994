// cli-core ships no types; these cover the parts the plugin uses.
declare module '@twilio/cli-core/src/base-commands/base-command' {
  import { Command } from '@oclif/core';
  class BaseCommand extends Command {
    static flags: Record<string, any>;
    flags: Record<string, any>;
    args: Record<string, any>;
    logger: CliLogger;
    userConfig: any;
    outputProcessor: any;
    readonly inquirer: any;
    run(): Promise<any>;
    output(data: unknown, properties?: string, options?: Record<string, unknown>): void;
    catch(error: any): Promise<any>;
  }
  export interface CliLogger {
    config: { level: number };
    debug(msg: unknown): void;
    info(msg: unknown): void;
    warn(msg: unknown): void;
    error(msg: unknown): void;
  }
  export = BaseCommand;
}

declare module '@twilio/cli-core/src/base-commands/twilio-client-command' {
  import BaseCommand = require('@twilio/cli-core/src/base-commands/base-command');
  class TwilioClientCommand extends BaseCommand {
    static flags: Record<string, any>;
    currentProfile: { id: string; accountSid: string; apiKey: string; apiSecret: string; region?: string; edge?: string };
    httpClient: any;
    twilio: any;
    readonly twilioClient: any;
    buildClient(ClientClass: any): any;
  }
  export = TwilioClientCommand;
}

declare module '@twilio/cli-core/src/services/cli-http-client' {
  class CliRequestClient {
    constructor(commandName: string, logger: any, http?: any, extensions?: string);
    logger: any;
    request(opts: any): Promise<{ body: any; statusCode: number; headers: Record<string, string> }>;
  }
  export = CliRequestClient;
}

declare module '@twilio/cli-core/src/services/error' {
  export class TwilioCliError extends Error {
    constructor(message: string, exitCode?: number | string, data?: unknown);
    exitCode?: number | string;
    data?: unknown;
  }
}

declare module '@twilio/cli-core/src/services/messaging/logging' {
  export const LoggingLevel: Record<'debug' | 'info' | 'warn' | 'error' | 'none', number>;
  export const logger: import('@twilio/cli-core/src/base-commands/base-command').CliLogger;
}

declare module '@twilio/cli-core/src/services/env' {
  function configureEnv(): void;
  export = configureEnv;
}
