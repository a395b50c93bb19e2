// Renders assets/icon.svg to assets/icon.png (512×512) for electron-builder, with Chromium.
// Run after editing the SVG: node scripts/render-icon.mjs
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { root } from './lib.mjs';

const svg = fs.readFileSync(path.join(root, 'assets', 'icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
await page.setContent(
  `<html><body style="margin:0;background:transparent">${svg.replace('width="64" height="64"', 'width="512" height="512"')}</body></html>`,
);
await page.screenshot({
  path: path.join(root, 'assets', 'icon.png'),
  omitBackground: true,
  clip: { x: 0, y: 0, width: 512, height: 512 },
});
await browser.close();
