// Runs before the browser tests (`npm run test:e2e`): makes sure a Chromium is there. On a fresh
// Debian or Ubuntu machine run as root it installs the distribution's package, as
// `playwright install --with-deps` would; anywhere else it says how to get one, and fails.

import { spawnSync } from "node:child_process";
import { DEFAULT_CHROMIUM_PATH, findChromium } from "../support/browser.ts";

function aptGetAvailable(): boolean {
  return spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
}

function run(command: string, args: string[]): boolean {
  console.error(`ensure-chromium: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return result.status === 0;
}

const found = findChromium();
if (found !== null) process.exit(0);

if (process.env.CHROMIUM_PATH) {
  console.error(
    `ensure-chromium: CHROMIUM_PATH is ${process.env.CHROMIUM_PATH}, but there is no file there. ` +
      "Point it at a Chromium or Chrome executable, or unset it to use Debian's chromium package.",
  );
  process.exit(1);
}

if (process.getuid?.() === 0 && aptGetAvailable()) {
  console.error(`ensure-chromium: no Chromium at ${DEFAULT_CHROMIUM_PATH}; installing Debian's chromium package.`);
  if (run("apt-get", ["update"]) && run("apt-get", ["install", "-y", "chromium"])) {
    if (findChromium() !== null) process.exit(0);
  }
  console.error(`ensure-chromium: apt-get did not leave a Chromium at ${DEFAULT_CHROMIUM_PATH}.`);
  process.exit(1);
}

console.error(
  `ensure-chromium: the browser tests need Chromium, and there is none at ${DEFAULT_CHROMIUM_PATH}.\n` +
    "  Install it (Debian/Ubuntu: sudo apt-get install chromium), or\n" +
    "  set CHROMIUM_PATH to a Chromium or Chrome executable, e.g. CHROMIUM_PATH=/usr/bin/google-chrome npm test",
);
process.exit(1);
