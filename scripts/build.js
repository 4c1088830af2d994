#!/usr/bin/env node
// Builds dist/ without ever removing it: `twilio plugins:link .` runs the plugin straight
// from dist/, so `rm -rf dist && tsc` (seconds without dist/) broke every command run
// meanwhile, also under `npm run demo`, `npm test` and `npm pack`. tsc compiles into a
// scratch folder beside dist/; each file then replaces its old copy by rename (atomic on
// one file system), files that did not change are left alone, and files whose source is
// gone are removed last. A failed compile leaves dist/ as it was.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const scratch = path.join(root, '.tmp', `build-${process.pid}`);

function filesUnder(dir, base = dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(p, base, out);
    else out.push(path.relative(base, p));
  }
  return out;
}

function sameContent(a, b) {
  try {
    const left = fs.readFileSync(a);
    return left.equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

function removeEmptyDirs(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyDirs(path.join(dir, entry.name));
  }
  if (dir !== dist && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

try {
  fs.rmSync(scratch, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', scratch], {
    cwd: root,
    stdio: 'inherit',
  });
  if (compiled.status !== 0) process.exit(compiled.status ?? 1);
  // Files the code reads at run time (the web view's page, script and style) go beside it.
  for (const rel of filesUnder(path.join(root, 'src'))) {
    if (!rel.split(path.sep).includes('assets')) continue;
    fs.mkdirSync(path.dirname(path.join(scratch, rel)), { recursive: true });
    fs.copyFileSync(path.join(root, 'src', rel), path.join(scratch, rel));
  }

  const built = filesUnder(scratch);
  for (const rel of built) {
    const from = path.join(scratch, rel);
    const to = path.join(dist, rel);
    if (sameContent(from, to)) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
  }
  const keep = new Set(built);
  for (const rel of filesUnder(dist)) if (!keep.has(rel)) fs.rmSync(path.join(dist, rel));
  removeEmptyDirs(dist);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
