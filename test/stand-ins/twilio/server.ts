/**
 * Runs the Twilio fake on its own for manual tries:
 *   node --import tsx test/stand-ins/twilio/server.ts --port 4010 [--no-seed]
 * then point the plugin at it with TWILIO_API_BASE_URL and the printed credentials.
 */
import { startTwilioFake } from './index';

function portFromArgs(argv: string[]): number {
  const i = argv.indexOf('--port');
  if (i < 0) return 4010;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port needs a port number, got "${argv[i + 1]}"`);
  return port;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const fake = await startTwilioFake({ port: portFromArgs(argv), seed: !argv.includes('--no-seed') });
  const c = fake.credentials;
  process.stdout.write(
    [
      `Twilio fake listening on ${fake.url}`,
      `  TWILIO_API_BASE_URL=${fake.url}`,
      `  TWILIO_ACCOUNT_SID=${c.accountSid}`,
      `  TWILIO_AUTH_TOKEN=${c.authToken}`,
      `  (or TWILIO_API_KEY=${c.apiKey} TWILIO_API_SECRET=${c.apiSecret})`,
      fake.state.seeded ? `  seeded: ${JSON.stringify(fake.state.seeded, null, 2)}` : '  not seeded',
      'Contract violations are printed as they happen. Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  let reported = 0;
  const timer = setInterval(() => {
    while (reported < fake.violations.length) {
      const v = fake.violations[reported++];
      process.stderr.write(`VIOLATION ${v.method} ${v.path}: ${v.reason}\n`);
    }
  }, 200);
  const stop = () => {
    clearInterval(timer);
    fake.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
