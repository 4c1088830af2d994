/**
 * `npm run emulator`: a local Twilio account and bot to try every command on, no account
 * needed. Starts the Twilio fake (the one the tests use, held to Twilio's OpenAPI files)
 * and the demo bot (a Cognigy-compatible REST endpoint), seeds a Flex account with one
 * customer conversation in progress (messages, its Studio webhook, the bot's active
 * execution), and prints the `export …` block to paste into another terminal and the
 * commands to try. Runs until Ctrl-C.
 *
 *   npm run emulator [-- --twilio-port 4010 --bot-port 4020]     (0: any free port)
 */
import { startBotServer, demoBehaviour } from '../src/lib/demo/bot-server';
import { startTwilioFake } from '../test/stand-ins/twilio';
import type { FakeState } from '../test/stand-ins/twilio';

const CUSTOMER = '+15551230001';
const WATCH_MS = 250;
/** The customer's next message, as Twilio's inbound side would add it (the README's last step). */
const CUSTOMER_WRITES =
  'curl -s -u "$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN" "$TWILIO_API_BASE_URL/conversations/v1/Conversations/$EMULATOR_CONVERSATION/Messages" --data-urlencode "Author=$EMULATOR_CUSTOMER" --data-urlencode "Body=Still there?"';

function portFlag(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} needs a port number (0 for any free port), got "${argv[i + 1] ?? ''}"`);
  }
  return port;
}

/**
 * The conversation an SMS to the Flex number made before the bot was linked: the address
 * configuration (auto-creation `studio`, "Messaging Flow") created it with its Studio
 * webhook, and the flow's execution for the customer is still active.
 */
function seedConversation(state: FakeState): { conversationSid: string; executionSid: string; flowSid: string } {
  const seeded = state.seeded!;
  const conversation = state.addConversation({
    friendlyName: 'Ada Lovelace',
    participants: [{ address: CUSTOMER, proxyAddress: seeded.phoneNumber }],
    messages: [
      { author: CUSTOMER, body: 'Hi, my order 10423 has not arrived' },
      { author: 'system', body: 'Order 10423 has shipped and should arrive within two working days.' },
      { author: CUSTOMER, body: 'It was due last week. I want to talk to a person.' },
    ],
  });
  const flowSid = seeded.messagingFlowSid;
  state.addConversationWebhook(conversation.sid, 'studio', { flow_sid: flowSid, filters: ['onMessageAdded'] });
  const execution = state.addExecution(flowSid, CUSTOMER);
  execution.context.trigger = { conversation: { ConversationSid: conversation.sid, From: CUSTOMER, Author: CUSTOMER, EventType: 'onMessageAdded' } };
  return { conversationSid: conversation.sid, executionSid: execution.sid, flowSid };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const twilioPort = portFlag(argv, '--twilio-port', 4010);
  const botPort = portFlag(argv, '--bot-port', 4020);
  const fake = await startTwilioFake({ port: twilioPort });
  const bot = await startBotServer({ behaviour: demoBehaviour, port: botPort, record: false });
  const scene = seedConversation(fake.state);
  const c = fake.credentials;
  const flowName = (sid: string) => fake.state.flows.get(sid)?.friendly_name ?? sid;

  process.stdout.write(
    [
      `Twilio emulator on ${fake.url} (a seeded Flex account), demo bot on ${bot.url.replace(bot.token, '<token>')}.`,
      `Customer ${CUSTOMER} is talking to "${flowName(scene.flowSid)}" in conversation ${scene.conversationSid} (execution ${scene.executionSid}).`,
      '',
      'Paste into another terminal (where the plugin is installed, see Install):',
      '',
      `export TWILIO_API_BASE_URL=${fake.url}`,
      `export TWILIO_ACCOUNT_SID=${c.accountSid}`,
      `export TWILIO_AUTH_TOKEN=${c.authToken}`,
      `export COGNIGY_ENDPOINT_URL=${bot.url}`,
      `export EMULATOR_CONVERSATION=${scene.conversationSid}`,
      `export EMULATOR_CUSTOMER=${CUSTOMER}`,
      '',
      'Then:',
      '',
      '  twilio cognigy:init --yes',
      '  twilio cognigy:link-flow',
      '  twilio cognigy:test-chat -m hi -m "I want to talk to a human"',
      '  twilio cognigy:escalate --conversation "$EMULATOR_CONVERSATION" --dry-run',
      '  twilio cognigy:escalate --conversation "$EMULATOR_CONVERSATION" --reason "customer asked for a person"',
      '',
      'and the customer writes again (no execution starts: the hand-over removed the Studio webhook):',
      '',
      `  ${CUSTOMER_WRITES}`,
      '',
      'Executions that messages start and contract violations are printed here as they happen. Ctrl-C stops.',
      '',
    ].join('\n'),
  );

  // What the account does on its own (a message starting the bot) is shown as it happens,
  // so "after escalate, a new message starts nothing" can be seen.
  const seen = new Set(fake.state.executions.keys());
  let reported = 0;
  const timer = setInterval(() => {
    for (const [sid, e] of fake.state.executions) {
      if (seen.has(sid)) continue;
      seen.add(sid);
      process.stdout.write(`execution ${sid} of "${flowName(e.flow_sid)}" started for ${e.contact_channel_address}\n`);
    }
    while (reported < fake.violations.length) {
      const v = fake.violations[reported++];
      process.stderr.write(`VIOLATION ${v.method} ${v.path}: ${v.reason}\n`);
    }
  }, WATCH_MS);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    Promise.allSettled([fake.close(), bot.close()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
