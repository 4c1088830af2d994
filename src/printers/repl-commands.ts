/**
 * The REPL's slash commands: listed by `/help` in the REPL and in `test-chat --help`.
 * Kept apart from repl.ts so the help text costs no readline at start-up.
 */
export const REPL_COMMANDS: { usage: string; what: string; escalateOnly?: boolean }[] = [
  { usage: '/help', what: 'this list' },
  { usage: '/data', what: "the data of the bot's last answer" },
  { usage: '/transcript', what: 'the conversation so far' },
  { usage: '/silence', what: 'the customer stays silent (the wait widget times out)' },
  { usage: '/media URL [text]', what: 'the customer sends media (URLs separated by commas), with or without text' },
  { usage: '/escalate', what: 'what "twilio cognigy:escalate" would send to Flex for this conversation', escalateOnly: true },
  { usage: '/reset', what: 'start over with a new session' },
  { usage: '/save FILE', what: 'save the transcript as JSON, or as a script to replay if FILE ends in .yaml or .convo.txt (missing folders are created)' },
  { usage: '/quit', what: 'leave (Ctrl-D or Ctrl-C also do)' },
];

/** `  /save FILE        save the transcript as JSON`, one line per command. */
export function replCommandLines(withEscalate = true): string[] {
  return REPL_COMMANDS.filter((c) => withEscalate || !c.escalateOnly).map((c) => `  ${c.usage.padEnd(17)} ${c.what}`);
}
