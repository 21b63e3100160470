// `npm run token` as a user runs it: a real Node process, its output checked with jose and with
// the claim rules the server applies.

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkClaims } from "../../../src/shared/access.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCRIPT = join(ROOT, "src/cli/token.ts");
const SECRET = "cli-test-secret-0123456789abcdef";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the token tool in `cwd` with `env` as its whole environment besides PATH. */
function runToken(args: string[], { env = {}, cwd = ROOT }: { env?: Record<string, string>; cwd?: string } = {}) {
  return new Promise<Run>((resolve, reject) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { cwd, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 10_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") reject(error);
        else resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

async function verified(stdout: string, secret = SECRET): Promise<Record<string, unknown>> {
  expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  const { payload, protectedHeader } = await jwtVerify(stdout.trim(), new TextEncoder().encode(secret), {
    algorithms: ["HS256"],
  });
  expect(protectedHeader).toEqual({ alg: "HS256", typ: "JWT" });
  expect(checkClaims(payload).ok).toBe(true);
  return payload;
}

let emptyDir: string;
beforeEach(async () => {
  emptyDir = await mkdtemp(join(tmpdir(), "edge-chat-token-"));
});
afterEach(async () => {
  await rm(emptyDir, { recursive: true, force: true });
});

describe("npm run token", () => {
  it("prints exactly one token, signed with AUTH_SECRET from the environment, valid for an hour", async () => {
    const run = await runToken(["--name", "Alice"], { env: { AUTH_SECRET: SECRET }, cwd: emptyDir });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const payload = await verified(run.stdout);
    expect(payload).toMatchObject({ sub: "alice", name: "Alice" });
    expect(payload.role).toBeUndefined();
    expect(payload.rooms).toBeUndefined();
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
    expect(Math.abs(Number(payload.iat) - Date.now() / 1000)).toBeLessThan(10);
  });

  it("signs --sub, --rooms, --moderator and --ttl into the claims", async () => {
    const run = await runToken(
      ["--name", "Bob", "--sub", "user-42", "--rooms", "lobby, team-*", "--moderator", "--ttl", "90s"],
      { env: { AUTH_SECRET: SECRET }, cwd: emptyDir },
    );
    expect(run.code).toBe(0);
    const payload = await verified(run.stdout);
    expect(payload).toMatchObject({ sub: "user-42", name: "Bob", rooms: ["lobby", "team-*"], role: "moderator" });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(90);
  });

  it("signs with AUTH_SECRET from .dev.vars in the current directory when the environment has none", async () => {
    const devVars = '# local secrets\nADMIN_TOKEN=x # not this one\nexport AUTH_SECRET="from-dev-vars#1" # quoted\n';
    await writeFile(join(emptyDir, ".dev.vars"), devVars);
    const run = await runToken(["--name", "carol"], { cwd: emptyDir });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    await verified(run.stdout, "from-dev-vars#1");
  });

  it("prefers AUTH_SECRET from the environment to .dev.vars", async () => {
    await writeFile(join(emptyDir, ".dev.vars"), "AUTH_SECRET=from-file\n");
    const run = await runToken(["--name", "dave"], { env: { AUTH_SECRET: SECRET }, cwd: emptyDir });
    await verified(run.stdout, SECRET);
  });

  it("without any AUTH_SECRET exits 2 with one line saying where to put one", async () => {
    const run = await runToken(["--name", "erin"], { cwd: emptyDir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")).toHaveLength(2);
    expect(run.stderr).toContain("AUTH_SECRET");
    expect(run.stderr).toContain(join(emptyDir, ".dev.vars"));
  });

  it("counts an empty AUTH_SECRET in .dev.vars (as .dev.vars.example has it) as none", async () => {
    await writeFile(join(emptyDir, ".dev.vars"), "AUTH_SECRET=\nAUTH_SECRET_PREVIOUS=\n");
    const run = await runToken(["--name", "erin"], { env: { AUTH_SECRET: "" }, cwd: emptyDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("has no AUTH_SECRET value");
  });

  it.each([
    [["--name", "<script>"], "--name"],
    [["--name", "   "], "--name"],
    [["--sub", "x"], "--name is required"],
    [["--name", "ok", "--rooms", "bad room"], "--rooms"],
    [["--name", "ok", "--rooms", "a,,b"], "--rooms"],
    [["--name", "ok", "--ttl", "soon"], "--ttl"],
    [["--name", "ok", "--sub", "x".repeat(65)], "--sub"],
    [["--name", "ok", "--admin"], "--admin"],
    [["--name", "ok", "extra"], "extra"],
  ])("refuses %j with exit 2 and one clear line, printing no token", async (args, mention) => {
    const run = await runToken(args, { env: { AUTH_SECRET: SECRET }, cwd: emptyDir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")).toHaveLength(2);
    expect(run.stderr).toContain(mention);
    expect(run.stderr).not.toContain(SECRET);
  });

  it("prints its usage with --help and exits 0", async () => {
    const run = await runToken(["--help"], { cwd: emptyDir });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("--name NAME");
    expect(run.stdout).toContain("--ttl");
  });

  it("runs as the package's token script, adding nothing to the token with npm run -s", async () => {
    const npm = await new Promise<Run>((resolve, reject) => {
      execFile(
        "npm",
        ["run", "-s", "token", "--", "--name", "frank"],
        { cwd: ROOT, env: { ...process.env, AUTH_SECRET: SECRET }, timeout: 20_000 },
        (error, stdout, stderr) => (error ? reject(error) : resolve({ code: 0, stdout, stderr })),
      );
    });
    await verified(npm.stdout);
  });
});
