import { it } from 'mocha';
import { assert } from 'chai';
import { checkArguments, outputFormatIn } from '../../src/flags';

const FLAGS = {
  message: { type: 'option' as const, char: 'm', multiple: true },
  'endpoint-url': { type: 'option' as const },
  'test-mode': { type: 'boolean' as const, allowNo: true },
  yes: { type: 'boolean' as const, char: 'y' },
  silent: { type: 'boolean' as const, char: 's' },
  'cli-output-format': { type: 'option' as const, char: 'o' },
};
const check = (...argv: string[]) => checkArguments(argv, FLAGS, 'twilio cognigy:x --help');
const refused = (argv: string[], message: RegExp) => assert.throws(() => check(...argv), message, argv.join(' '));

it('what oclif would parse as meant passes', () => {
  for (const argv of [
    ['-m', 'hi', '-m', 'there', '--endpoint-url', 'https://h/x'],
    ['--message=--form', '-m=-x', '-mhi'],
    ['-m', '-5 degrees'],
    ['--no-test-mode', '--test-mode', '-ys', '-o', 'json', '-ojson', '-yo', 'json'],
    ['-m', 'hi', '--', 'anything', '--goes'],
  ]) assert.doesNotThrow(() => check(...argv), argv.join(' '));
});

it('typos never become values: unknown flags, stray words, a flag where a value should be', () => {
  refused(['-m', 'hi', '--form', '+1555'], /Unknown flag --form/);
  refused(['--endpont-url=https://h/x'], /Unknown flag --endpont-url\./);
  refused(['-x'], /Unknown flag -x/);
  refused(['-yx'], /Unknown flag -x/);
  refused(['-y=no'], /-y \(--yes\) takes no value/);
  refused(['-m', 'hi', 'there'], /"there" after --message/);
  refused(['https://h/token'], /Unexpected argument/);
  refused(['-m', '--form'], /--message needs a value, but is followed by the flag --form/);
  refused(['--endpoint-url'], /--endpoint-url needs a value/);
  refused(['--yes=no'], /--yes takes no value/);
  refused(['--no-yes'], /Unknown flag --no-yes/);
});

it('the output format is found on a command line oclif could not parse', () => {
  assert.strictEqual(outputFormatIn(['--bad', '-o', 'json']), 'json');
  assert.strictEqual(outputFormatIn(['-ojson']), 'json');
  assert.strictEqual(outputFormatIn(['-o=json']), 'json');
  assert.strictEqual(outputFormatIn(['--cli-output-format=tsv']), 'tsv');
  assert.strictEqual(outputFormatIn(['-m', 'x', '--', '-o', 'json']), undefined);
});
