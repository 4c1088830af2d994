import CliRequestClient = require('@twilio/cli-core/src/services/cli-http-client');
import { redact } from '../redact';
import { apiBaseUrlFromEnv } from './base-url';
import { createTwilioHttp } from './http';
import { UsageError } from '../errors';

interface CommandLike {
  id?: string;
  logger: { debug(m: unknown): void; info(m: unknown): void; warn(m: unknown): void; error(m: unknown): void };
  config: { userAgent?: string };
}

/**
 * cli-core's HTTP client, as TwilioClientCommand builds it, but with the local API hook
 * and retries underneath and a logger that redacts: at `-l debug` cli-core logs every
 * form body, and a flow definition carries the Cognigy endpoint URL.
 */
export function createCliHttpClient(command: CommandLike): CliRequestClient {
  let baseUrl: string | undefined;
  try {
    baseUrl = apiBaseUrlFromEnv();
  } catch (error) {
    throw new UsageError((error as Error).message, 'Set it to the emulator\'s address, e.g. http://127.0.0.1:4010, or unset it.');
  }
  const logger = redactingLogger(command.logger);
  const axios = requireFromCliCore('axios');
  const http = createTwilioHttp({ baseUrl, send: axios, debug: (m) => logger.debug(m) });
  const pluginName = (command.config.userAgent || ' ').split(' ')[0];
  const client = new CliRequestClient(command.id ?? 'cognigy', logger, http, pluginName);
  return client;
}

/** The axios that cli-core itself uses, so its proxy settings (HTTP_PROXY) apply to it. */
function requireFromCliCore(name: string): any {
  const corePath = require('path').dirname(require.resolve('@twilio/cli-core/package.json'));
  return require(require.resolve(name, { paths: [corePath] }));
}

export function redactingLogger<T extends CommandLike['logger']>(logger: T): T {
  const wrap = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: unknown) =>
    logger[level](redact(typeof msg === 'string' ? msg : JSON.stringify(msg)));
  return {
    ...logger,
    config: (logger as any).config,
    debug: wrap('debug'),
    info: wrap('info'),
    warn: wrap('warn'),
    error: wrap('error'),
  } as T;
}
