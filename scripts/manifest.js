#!/usr/bin/env node
// Writes oclif.manifest.json with @oclif/core 1.x (the host's major), so the twilio
// host lists and helps commands without requiring their files at start-up.
'use strict';
const fs = require('fs');
const path = require('path');
const { Plugin } = require(require.resolve('@oclif/core/lib/config', { paths: [path.join(__dirname, '..')] }));

(async () => {
  // The package root: this repository, or a copy of it (the install test packs a copy).
  const root = path.resolve(process.argv[2] || path.join(__dirname, '..'));
  const manifestPath = path.join(root, 'oclif.manifest.json');
  fs.rmSync(manifestPath, { force: true });
  const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
  await plugin.load();
  const count = Object.keys(plugin.manifest.commands).length;
  if (count === 0) throw new Error('no commands found: run "npm run build" first');
  fs.writeFileSync(manifestPath, JSON.stringify(plugin.manifest));
  console.log(`wrote oclif.manifest.json (${count} commands, version ${plugin.manifest.version})`);
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
