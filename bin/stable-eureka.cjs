#!/usr/bin/env node
// Runs the built CLI from any directory; builds and sets up first if this is a fresh clone.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'index.js');
if (!fs.existsSync(cli) || !fs.existsSync(path.join(root, '.stable-eureka', 'python.json'))) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
require(cli)
  .main(process.argv)
  .then((code) => process.exit(code));
