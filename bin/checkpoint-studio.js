#!/usr/bin/env node
// Entry of the checkpoint-studio command; the code lives in the compiled main process.
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'main', 'cli', 'main.js');
if (!fs.existsSync(cli)) {
  console.error('checkpoint-studio is not built yet: run "npm run build" in ' + path.join(__dirname, '..'));
  process.exit(1);
}
require(cli).run();
