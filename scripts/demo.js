#!/usr/bin/env node
// `npm run demo`: the main job on the embedded demo bot, no account needed. On a
// terminal it opens the REPL; elsewhere it plays a short conversation that ends in a
// hand-over to Flex, so the command shows the whole loop in CI logs too.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const run = path.join(__dirname, '..', 'bin', 'run');
const args = ['cognigy:test-chat', '--demo'];
if (!(process.stdin.isTTY && process.stdout.isTTY)) {
  args.push('-m', 'hi', '-m', 'What are your opening hours?', '-m', 'I want to talk to a human');
}
const result = spawnSync(process.execPath, [run, ...args, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
