#!/usr/bin/env node
// Start-up cost of the plugin inside the real twilio host: `twilio cognigy:init --help`
// against `twilio --version`, alternated, median of N runs each, as a ratio.
// Usage: npm run build && npm run manifest && node bench/startup.js [runs]
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const twilio = path.join(root, 'node_modules', '.bin', 'twilio');
const runs = Number(process.argv[2] || 15);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cognigy-bench-'));
const env = { PATH: process.env.PATH, HOME: home, TWILIO_DISABLE_AUTOUPDATE: '1', TWILIO_SKIP_NEW_VERSION_CHECK: '1' };

function time(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [twilio, ...args], { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`twilio ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  if (!fs.existsSync(path.join(root, 'oclif.manifest.json'))) {
    console.warn('note: no oclif.manifest.json (run "npm run manifest"): the host will require every command file');
  }
  const link = spawnSync(process.execPath, [twilio, 'plugins:link', root], { env, encoding: 'utf8' });
  if (link.status !== 0) throw new Error(`plugins:link failed: ${link.stderr}`);
  time(['--version']); // warm the file cache for both
  time(['cognigy:init', '--help']);
  const host = [];
  const plugin = [];
  const hostHelp = [];
  for (let i = 0; i < runs; i++) {
    host.push(time(['--version']));
    plugin.push(time(['cognigy:init', '--help']));
    // The host's own command help, for reference: what any command's --help costs here.
    hostHelp.push(time(['profiles:list', '--help']));
  }
  const h = median(host);
  const p = median(plugin);
  const hh = median(hostHelp);
  const result = {
    runs,
    hostVersionMs: Math.round(h),
    pluginHelpMs: Math.round(p),
    hostHelpMs: Math.round(hh),
    ratio: Number((p / h).toFixed(2)),
    ratioToHostHelp: Number((p / hh).toFixed(2)),
    goal: 1.2,
  };
  console.log(JSON.stringify(result));
  console.log(
    `twilio --version ${result.hostVersionMs} ms, twilio cognigy:init --help ${result.pluginHelpMs} ms: ratio ${result.ratio} (goal ≤ ${result.goal}); ` +
      `the host's own twilio profiles:list --help ${result.hostHelpMs} ms (plugin/host help ${result.ratioToHostHelp})`,
  );
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
