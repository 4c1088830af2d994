import { describe, it } from 'mocha';
import { assert } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import RestException from 'twilio/lib/base/RestException';
import { TwilioApi } from '../../../src/lib/twilio/api';
import { deployFlow } from '../../../src/lib/studio/deploy';
import { FlowHistory } from '../../../src/lib/studio/history';
import { CognigyError } from '../../../src/lib/errors';
import { buildFlow, WIDGET } from '../../../src/lib/studio';
import type { FlowDefinition } from '../../../src/lib/domain/flow';
import { options } from './helpers';

const FLOW_SID = `FW${'a'.repeat(32)}`;

/** Studio's answer to a definition it refuses, as the twilio library raises it. */
function invalidDefinition(): RestException {
  return new RestException({
    statusCode: 400,
    body: JSON.stringify({
      code: 81022,
      message: 'Invalid Flow Definition',
      more_info: 'https://www.twilio.com/docs/errors/81022',
      status: 400,
      details: {
        errors: [
          { message: 'transition "success" goes to unknown state "Nowhere"', property_path: '#/states/2/transitions/0/next' },
          { message: 'state name "SendUserReply" is not unique', property_path: '#/states/5/name' },
          { message: 'initial_state is required', property_path: '#/initial_state' },
        ],
      },
    }),
  });
}

/** The twilio library client, reduced to the Studio calls deploy makes; every call is recorded. */
function stubClient(deployed: FlowDefinition | undefined) {
  const calls: string[] = [];
  const flowResource = (definition: FlowDefinition) => ({
    sid: FLOW_SID,
    friendlyName: 'Cognigy Bot Flow',
    status: 'published',
    revision: 3,
    definition,
    valid: true,
    commitMessage: 'x [twilio cognigy:link-flow]',
  });
  const write = (what: string) => async () => {
    calls.push(what);
    throw new Error(`${what} must not be called`);
  };
  const flows = Object.assign(
    (sid: string) => ({
      fetch: async () => {
        calls.push(`GET /v2/Flows/${sid}`);
        return flowResource(deployed!);
      },
      update: write('POST /v2/Flows/FW'),
      revisions: { list: async () => (calls.push('GET revisions'), []) },
    }),
    {
      list: async () => (calls.push('GET /v2/Flows'), deployed ? [flowResource(deployed)] : []),
      create: write('POST /v2/Flows'),
    },
  );
  const validate = async () => {
    calls.push('POST /v2/Flows/Validate');
    throw invalidDefinition();
  };
  return { calls, client: { accountSid: `AC${'0'.repeat(32)}`, studio: { v2: { flows, flowValidate: { update: validate } } } } };
}

/** A definition whose widget 2 and 5 are the ones Studio names in its failures. */
function desired(): FlowDefinition {
  return buildFlow(options({ escalationKey: 'handover' }));
}

describe('deployFlow when Studio\'s Validate refuses the flow', () => {
  for (const existing of [undefined, buildFlow(options())]) {
    it(`${existing ? 'an update' : 'a create'}: the failures are shown per widget and nothing is written`, async () => {
      const { calls, client } = stubClient(existing);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
      try {
        const definition = desired();
        const error = await deployFlow(new TwilioApi(client), {
          target: existing ? { sid: FLOW_SID, name: 'Cognigy Bot Flow' } : { name: 'Cognigy Bot Flow' },
          desired: () => definition,
          status: 'published',
          history: new FlowHistory(dir),
        }).then(
          () => assert.fail('deploy should fail'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof CognigyError, String(error));
        const lines = error.message.split('\n');
        assert.strictEqual(lines[0], 'Studio rejected the flow: Invalid Flow Definition');
        assert.deepStrictEqual(lines.slice(1), [
          `  ${definition.states[2].name}.transitions[0].next: transition "success" goes to unknown state "Nowhere"`,
          `  ${definition.states[5].name}.name: state name "SendUserReply" is not unique`,
          '  (flow) initial_state: initial_state is required',
        ]);
        assert.strictEqual(definition.states[2].name, WIDGET.callBot, 'the test names real widgets');
        assert.match(error.hint ?? '', /Nothing was written/);
        assert.ok(calls.includes('POST /v2/Flows/Validate'));
        assert.deepStrictEqual(calls.filter((c) => c.startsWith('POST') && !c.endsWith('/Validate')), [], 'no write');
        assert.deepStrictEqual(fs.readdirSync(dir), [], 'no backup, no deploy record');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
