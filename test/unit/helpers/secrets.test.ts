import { it } from 'mocha';
import { assert } from 'chai';
import { assertNoSecret, assertNoSecretInFiles, forgetTestSecret, registerTestSecret } from '../../helpers/secrets';

// The end-to-end suite relies on this scan; it must be able to fail.
it('the secret scan finds a registered secret in output and in files', () => {
  // These finds are planted: keep them out of the suite's secret figures.
  const stats = process.env.COGNIGY_SECRET_STATS;
  delete process.env.COGNIGY_SECRET_STATS;
  try {
  registerTestSecret('0123456789abcdef0123456789abcdef');
  assert.doesNotThrow(() => assertNoSecret('https://endpoint/…cdef', 'redacted output'));
  assert.throws(() => assertNoSecret('POST https://h/0123456789abcdef0123456789abcdef', 'a log line'), /secret leaked in a log line: …cdef/);
  assert.throws(() => assertNoSecretInFiles([{ file: '/x/backup.json', text: '{"url":"https://h/0123456789abcdef0123456789abcdef"}' }]), /backup\.json/);
  } finally {
    forgetTestSecret('0123456789abcdef0123456789abcdef');
    if (stats !== undefined) process.env.COGNIGY_SECRET_STATS = stats;
  }
});
