import { describe, it } from 'mocha';
import { assert } from 'chai';
import { ChatSession } from '../../../src/lib/conversation/chat';
import { buildFlow, WIDGET } from '../../../src/lib/studio';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import type { HttpTransport } from '../../../src/lib/http/types';
import type { ChatReport } from '../../../src/lib/tasks/test-chat';
import { problemLines } from '../../../src/printers/test-chat';
import { flowDriverFactory } from '../../../src/lib/conversation/driver';
import { runConversations, type ConversationResult } from '../../../src/lib/conversation/runner';
import { parseConvoTxt } from '../../../src/lib/conversation/botium';
import { parseYamlScript } from '../../../src/lib/conversation/yaml-format';
import type { Conversation } from '../../../src/lib/conversation/types';
import { DEFAULT_FLEX_FAILURE_MESSAGE } from '../../../src/lib/studio/constants';
import { failureMessage } from '../../../src/printers/script-report';
import { sideText } from '../../../src/printers/failure';

const WORKFLOW = `WW${'2'.repeat(32)}`;
const TASK_CHANNEL = `TC${'3'.repeat(32)}`;
const ANSWERS = ['Let me connect you. The file is in C:\\temp', 'ends with a backslash \\', 'tab\there, "quotes"\nand a new line'];

/** A bot that asks for an agent with the answer the test chose. */
const botSaying = (text: string): HttpTransport => async () => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ text, data: { escalation: true } }),
  elapsedMs: 1,
});

const built = (channelModel: 'conversations' | 'legacy') =>
  buildFlow({
    endpointUrl: 'https://endpoint.example.test/0123456789abcdef',
    channelModel,
    escalationKey: 'escalation',
    onBotFailure: 'escalate',
    workflowSid: WORKFLOW,
    taskChannelSid: TASK_CHANNEL,
  });

const reportOf = (chat: ChatSession): ChatReport => ({
  flow: { kind: 'flow-file', file: 'test' },
  endpoint: 'https://endpoint.example.test/…cdef',
  transcript: chat.transcript,
  handedOver: true,
  handover: chat.handover ?? null,
  ended: null,
  turns: [],
  problems: chat.problems,
  notes: [],
});

describe('the hand-over attributes test-chat simulates', () => {
  for (const channelModel of ['conversations', 'legacy'] as const) {
    for (const answer of ANSWERS) {
      it(`${channelModel}: the built flow hands ${JSON.stringify(answer)} to Flex intact, as valid JSON`, async () => {
        const chat = new ChatSession(built(channelModel), { http: botSaying(answer), from: '+15551234567', channelModel });
        await chat.send('agent please');
        const handover = chat.handover;
        assert.ok(handover, 'handed over');
        assert.deepStrictEqual(handover.problems, []);
        assert.strictEqual((JSON.parse(handover.attributesRaw) as any).cognigy.lastAnswer, answer);
        assert.deepStrictEqual(chat.problems, []);
      });
    }
  }

  it('attributes that do not render to JSON are a problem of the run, named in one line', async () => {
    // The usual hand-written mistake: the bot's answer quoted inside a JSON template.
    const flow: FlowDefinition = structuredClone(built('conversations'));
    const flex = flow.states.find((s) => s.name === WIDGET.toFlex)!;
    flex.properties.attributes = '{"lastAnswer": "{{widgets.ProcessUserInput.parsed.text}}"}';
    const chat = new ChatSession(flow, { http: botSaying('ends with a backslash \\'), channelModel: 'conversations' });
    await chat.send('agent please');
    assert.strictEqual(chat.problems.length, 1);
    assert.strictEqual(chat.problems[0].kind, 'handover');
    assert.strictEqual(chat.problems[0].widget, WIDGET.toFlex);
    assert.match(chat.problems[0].message ?? '', /not valid JSON/);
    const lines = problemLines(reportOf(chat));
    assert.strictEqual(lines.length, 1);
    assert.match(lines[0], /"SendToFlexAgent" would not create the Flex task in Studio: the rendered attributes are not valid JSON/);
  });
});

describe('the hand-over a script run checks', () => {
  const quotedAnswer = (): FlowDefinition => {
    const flow: FlowDefinition = structuredClone(built('conversations'));
    flow.states.find((s) => s.name === WIDGET.toFlex)!.properties.attributes = '{"lastAnswer": "{{widgets.ProcessUserInput.parsed.text}}"}';
    return flow;
  };
  const script = parseConvoTxt('agent.convo.txt', 'agent\n\n#me\nagent please\n\n#bot\n*\n');
  const runOne = async (flow: FlowDefinition, answer: string): Promise<ConversationResult> => {
    const results: ConversationResult[] = [];
    await runConversations(
      (async function* () {
        yield script;
      })(),
      flowDriverFactory(flow, { http: botSaying(answer), channelModel: 'conversations' }),
      { concurrency: 1, timeoutMs: 5_000, onResult: (r) => results.push(r) },
    );
    return results[0];
  };

  it('a hand-over Studio would refuse fails the conversation, whatever the script expects next', async () => {
    const result = await runOne(quotedAnswer(), 'ends with a backslash \\');
    assert.strictEqual(result.status, 'failed');
    assert.strictEqual(result.failures[0].code, 'handover-refused');
    assert.strictEqual(failureMessage(result.failures[0]), 'Studio would refuse this hand-over: the customer would not reach Flex');
    assert.deepStrictEqual(result.failures[0].expected, { code: 'studio-accepts' });
    assert.match(sideText(result.failures[0].actual), /not valid JSON/);
  });

  it('a YAML script can test the failedToEnqueue branch itself: `handover: refused`', async () => {
    const yaml = [
      'name: Flex refuses the task',
      'steps:',
      '  - user: agent please',
      '  - bot: true',
      `  - bot: "${DEFAULT_FLEX_FAILURE_MESSAGE}"`,
      '  - handover: refused',
      '',
    ].join('\n');
    const [conversation] = parseYamlScript('refused.yaml', yaml) as Conversation[];
    assert.strictEqual(conversation.steps.at(-1)?.kind, 'handover');
    const run = async (flow: FlowDefinition, answer: string) => {
      const results: ConversationResult[] = [];
      await runConversations(
        (async function* () {
          yield conversation;
        })(),
        flowDriverFactory(flow, { http: botSaying(answer), channelModel: 'conversations' }),
        { concurrency: 1, timeoutMs: 5_000, onResult: (r) => results.push(r) },
      );
      return results[0];
    };
    const refused = await run(quotedAnswer(), 'ends with a backslash \\');
    assert.strictEqual(refused.status, 'passed', JSON.stringify(refused.failures));
    const accepted = await run(quotedAnswer(), 'a plain answer');
    assert.strictEqual(accepted.status, 'failed');
    // Flex takes the task: the apology never comes.
    assert.match(JSON.stringify(accepted.failures[0]), new RegExp(DEFAULT_FLEX_FAILURE_MESSAGE.slice(0, 20)));
    const [direct] = parseYamlScript('accepted.yaml', 'steps:\n  - user: agent please\n  - bot: true\n  - handover: refused\n') as Conversation[];
    conversation.steps = direct.steps;
    const wrong = await run(quotedAnswer(), 'a plain answer');
    assert.deepStrictEqual([wrong.failures[0].expected, wrong.failures[0].actual], [{ code: 'flex-refuses' }, { code: 'flex-accepts' }]);
    assert.deepStrictEqual([sideText(wrong.failures[0].expected), sideText(wrong.failures[0].actual)], ['Flex refuses the task (failedToEnqueue)', 'Flex accepted the task (callComplete)']);
  });

  it('the same script passes when the attributes render to JSON', async () => {
    assert.strictEqual((await runOne(quotedAnswer(), 'a plain answer')).status, 'passed');
    assert.strictEqual((await runOne(built('conversations'), 'ends with a backslash \\')).status, 'passed');
  });
});
