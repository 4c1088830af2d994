import { startTwilioFake, FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, TwilioFake } from '../stand-ins/twilio';
import { startBotServer, BotServer } from '../../src/lib/demo/bot-server';
import { scriptedBehaviour } from '../stand-ins/cognigy-scripted';
import { linkedHome, CliHome, CliResult, RunOptions } from './cli';
import { inProcessHome } from './in-process';
import { registerTestSecret } from './secrets';
import { FAKE_API_SECRET } from '../stand-ins/twilio';

/**
 * One world: the Twilio fake, a Cognigy-compatible bot, and a HOME where the commands run:
 * with the plugin linked into the real twilio binary (test/e2e), or, with
 * `{ inProcess: true }`, inside the test process (test/commands). `run` passes env
 * credentials and points every Twilio call at the fake.
 */
export interface World {
  fake: TwilioFake;
  bot: BotServer;
  cli: CliHome;
  env: Record<string, string>;
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Run commands in the test process instead of the real twilio binary. */
  inProcess?: boolean;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const fake = await startTwilioFake();
  const bot = await startBotServer({ behaviour: scriptedBehaviour });
  const cli = options.inProcess ? await inProcessHome() : await linkedHome();
  for (const secret of [FAKE_AUTH_TOKEN, FAKE_API_SECRET, bot.token]) registerTestSecret(secret);
  const env = {
    TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN,
    TWILIO_API_BASE_URL: fake.url,
  };
  return {
    fake,
    bot,
    cli,
    env,
    run: (args, options = {}) => cli.run(args, { ...options, env: { ...env, ...options.env } }),
    close: async () => {
      await fake.close();
      await bot.close();
      cli.cleanup();
    },
  };
}

/** A world whose account already has the setup `init --yes` saves, as most commands expect. */
export async function startWorldWithSetup(options: WorldOptions = {}): Promise<World> {
  const world = await startWorld(options);
  const init = await world.run(['cognigy:init', '--endpoint-url', world.bot.url, '--yes']);
  if (init.code !== 0) {
    await world.close();
    throw new Error(`init failed: ${init.all}`);
  }
  return world;
}

/** Assert that no secret of the world appears in what a run printed. */
export function secretsIn(world: World, text: string): string[] {
  const secrets = [FAKE_AUTH_TOKEN, world.bot.token, world.bot.url];
  return secrets.filter((s) => text.includes(s));
}

export { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN };
