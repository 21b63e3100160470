// `npm run token`: signs a token for a user, as a deploying app's backend would, with AUTH_SECRET
// from the environment or .dev.vars. Prints the token and nothing else, so that
// `TOKEN=$(npm run -s token -- --name alice)` works; every problem is one line on stderr.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SignJWT } from "jose";
import { checkClaims } from "../shared/access.ts";
import { parseDotEnv } from "./dev-vars.ts";
import { parseTokenCommandLine, type TokenOptions } from "./token-options.ts";

const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** AUTH_SECRET from the environment, else from `.dev.vars` in `directory`; or why there is none. */
function findSecret(env: NodeJS.ProcessEnv, directory: string): { secret: string } | { problem: string } {
  if (env.AUTH_SECRET) return { secret: env.AUTH_SECRET };
  const path = resolve(directory, ".dev.vars");
  let text: string | null = null;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") return { problem: `could not read ${path} (${code ?? "unknown error"})` };
  }
  const secret = text === null ? undefined : parseDotEnv(text).get("AUTH_SECRET");
  if (secret) return { secret };
  const where = text === null ? `in a new file ${path}` : `in ${path}, which has no AUTH_SECRET value`;
  return {
    problem:
      `no AUTH_SECRET to sign with: set AUTH_SECRET in the environment, or put a line AUTH_SECRET=<secret> ` +
      `${where} (see .dev.vars.example; make a secret with: openssl rand -base64 32)`,
  };
}

/** The token's claims: what src/shared/access.ts checks, so the server takes what this signs. */
function claimsOf(options: TokenOptions, now: number): Record<string, unknown> {
  return {
    sub: options.sub,
    name: options.name,
    ...(options.rooms !== undefined && { rooms: options.rooms }),
    ...(options.moderator && { role: "moderator" }),
    iat: now,
    exp: now + options.ttlSeconds,
  };
}

async function main(): Promise<number> {
  const parsed = parseTokenCommandLine(process.argv.slice(2));
  if (parsed.kind === "help") {
    process.stdout.write(parsed.text);
    return ExitCode.ok;
  }
  if (parsed.kind === "usage-error") {
    process.stderr.write(`token: ${parsed.message} (see --help)\n`);
    return ExitCode.usage;
  }
  const found = findSecret(process.env, process.cwd());
  if ("problem" in found) {
    process.stderr.write(`token: ${found.problem}\n`);
    return ExitCode.usage;
  }
  const claims = claimsOf(parsed.options, Math.floor(Date.now() / 1000));
  const checked = checkClaims(claims);
  if (!checked.ok) {
    process.stderr.write(`token: would sign a token the server refuses: ${checked.error}\n`);
    return ExitCode.failed;
  }
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(found.secret));
  process.stdout.write(`${token}\n`);
  return ExitCode.ok;
}

process.exitCode = await main();
