#!/usr/bin/env node
// Runs the tests with mocha (TypeScript through tsx), two files at a time in worker
// processes (.mocharc.js).
// `npm test` builds first (pretest), because the end-to-end tests run dist/ inside the
// real `twilio` binary. Pass folders or files to run a subset: `npm test -- test/unit`.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const targets = args.filter((a) => !a.startsWith('-'));
const passthrough = args.filter((a) => a.startsWith('-'));

function collect(target, out) {
  const stat = fs.statSync(target);
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(target).sort()) collect(path.join(target, entry), out);
  } else if (/\.test\.ts$/.test(target)) {
    out.push(path.relative(root, target));
  }
  return out;
}

const files = [];
for (const t of targets.length ? targets : ['test']) collect(path.resolve(root, t), files);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// Every command run's output and written files are scanned for known secrets
// (test/helpers/secrets.ts); the counts are summed here.
const stats = path.join(require('os').tmpdir(), `cognigy-secret-stats-${process.pid}.jsonl`);
fs.rmSync(stats, { force: true });
const result = spawnSync(
  process.execPath,
  [require.resolve('mocha/bin/mocha.js'), ...passthrough, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0', COGNIGY_SECRET_STATS: stats } },
);
if (fs.existsSync(stats)) {
  const total = { outputs: 0, files: 0, leaks: 0 };
  for (const line of fs.readFileSync(stats, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    total[r.kind] += r.count;
    total.leaks += r.leaks;
  }
  console.log(`secret scan: ${total.outputs} CLI outputs and ${total.files} written files scanned, ${total.leaks} secrets found`);
  fs.rmSync(stats, { force: true });
}
process.exit(result.status === null ? 1 : result.status);
