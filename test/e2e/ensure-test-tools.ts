// Runs before the end-to-end tests (`npm run test:e2e`): makes sure the two programs they drive
// are there, Chromium (browser tests) and tmux (the terminal client's pseudo-terminal tests).
// On a Debian or Ubuntu machine run as root it installs the distribution's packages, as
// `playwright install --with-deps` would; anywhere else it says how to get them, and fails.

import { spawnSync } from "node:child_process";
import { DEFAULT_CHROMIUM_PATH, findChromium } from "../support/browser.ts";

function succeeds(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

function run(command: string, args: string[]): boolean {
  console.error(`ensure-test-tools: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return result.status === 0;
}

if (process.env.CHROMIUM_PATH && findChromium() === null) {
  console.error(
    `ensure-test-tools: CHROMIUM_PATH is ${process.env.CHROMIUM_PATH}, but there is no file there. ` +
      "Point it at a Chromium or Chrome executable, or unset it to use Debian's chromium package.",
  );
  process.exit(1);
}

const missing = [...(findChromium() === null ? ["chromium"] : []), ...(succeeds("tmux", ["-V"]) ? [] : ["tmux"])];
if (missing.length === 0) process.exit(0);

if (process.getuid?.() === 0 && succeeds("apt-get", ["--version"])) {
  console.error(`ensure-test-tools: missing ${missing.join(" and ")}; installing Debian's packages.`);
  if (run("apt-get", ["update"]) && run("apt-get", ["install", "-y", ...missing])) {
    if (findChromium() !== null && succeeds("tmux", ["-V"])) process.exit(0);
  }
  console.error(`ensure-test-tools: apt-get did not leave ${missing.join(" and ")} installed.`);
  process.exit(1);
}

console.error(
  `ensure-test-tools: the end-to-end tests need ${missing.join(" and ")}.\n` +
    "  Install them (Debian/Ubuntu: sudo apt-get install chromium tmux; macOS: brew install tmux), and for\n" +
    `  the browser either have Chromium at ${DEFAULT_CHROMIUM_PATH} or set CHROMIUM_PATH to a Chromium or\n` +
    "  Chrome executable, e.g. CHROMIUM_PATH=/usr/bin/google-chrome npm test",
);
process.exit(1);
