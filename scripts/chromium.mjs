// Launches Debian's Chromium headless through playwright-core, with the flags this machine
// needs (no sandbox as root; no background networking, which the closed network refuses).
// One place for the tests and the benchmarks. Never downloads a browser.
//   launchChromium()                       the standard flags
//   launchChromium(['--use-fake-ui-for-media-stream', ...])   plus a test's own flags
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
