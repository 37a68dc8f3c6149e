// A throw-away Dovecot for development, the demo and the e2e suite: config, certificate and state under one
// directory, started in the foreground (`dovecot -F`) as a detached process and stopped by its PID. The recipe and
// its traps: Dovecot re-reads a passwd-file only when its mtime changes (so writes wait for the next second), a failed
// login is answered after a penalty delay, and a killed Dovecot leaves sockets that must be removed before a restart.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { appPasswordCheckScript, DEFAULT_PORTS, dovecotConfig, mailstackPaths, type MailstackPaths, type MailstackPorts, type MailstackUser } from "./config";

export interface StartMailstackOptions {
  /** Everything lives here: dovecot.conf, users (the passwd-file), ssl/, mail/, log/, run/, state/. */
  dir: string;
  ports?: Partial<MailstackPorts>;
  /** Default "dovecot" (and "doveadm") from PATH. */
  dovecotBinary?: string;
  doveadmBinary?: string;
  /** How long to wait for the IMAP greeting. Default 15 s. */
  startTimeoutMs?: number;
  /**
   * Tests: Dovecot is killed when this process dies, even by SIGKILL (setpriv --pdeathsig), so a crashed test run
   * leaves nothing behind. Default false: `mailstack start` returns and Dovecot keeps running.
   */
  attached?: boolean;
}

export interface Mailstack {
  pid: number;
  dir: string;
  imapsPort: number;
  imapPort: number;
  lmtpPort: number;
  /** SMTP submission: STARTTLS, AUTH PLAIN/LOGIN against Dovecot, sender = the signed-in user. */
  smtpPort: number;
  /** The SMTP submission process (a Node process beside Dovecot). */
  smtpPid: number;
  /** The passwd-file Dovecot authenticates against: give it to the Mailcow emulator's Dovecot backend. */
  passwdFile: string;
  /** App passwords with their protocols (`<address>:<hash>:<services>`), beside the passwd-file. */
  appPasswordsFile: string;
  /** Mail the SMTP service accepted for recipients outside the mailstack: <id>.eml + <id>.json. */
  outboxDir: string;
  smtpLogFile: string;
  /** The self-signed certificate (CN localhost, IP 127.0.0.1): trust it to verify TLS (MAIL_TLS_CA_FILE). */
  certFile: string;
  /** The last_login plugin's dict file (last IMAP login per user). */
  lastLoginFile: string;
  lmtpSocket: string;
  logFile: string;
  doveadm: { binary: string; config: string };
  /** SIGTERM to the master, SIGKILL to its process group if it has not gone after 5 s. Safe to call twice. */
  stop(): Promise<void>;
}

/** What `mailstack start` leaves in <dir>/mailstack.json for `status`, `stop` and the demo. */
interface MailstackState {
  pid: number;
  smtpPid: number;
  ports: MailstackPorts;
  startedAt: string;
  dovecotBinary: string;
  doveadmBinary: string;
}

export class MailstackError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `pid` is a live Dovecot master started with this directory's config (guards against PID reuse). */
function isOurDovecot(pid: number, configPath: string): boolean {
  return isOurProcess(pid, (cmdline) => cmdline.some((arg) => arg.endsWith("dovecot")) && cmdline.includes(configPath));
}

/** Whether `pid` is the SMTP process started for this directory. */
function isOurSmtp(pid: number, dir: string): boolean {
  return isOurProcess(pid, (cmdline) => cmdline.includes(SMTP_MAIN) && cmdline.some((arg) => arg.includes(JSON.stringify(dir))));
}

const SMTP_MAIN = fileURLToPath(new URL("./smtp-main.ts", import.meta.url));

function isOurProcess(pid: number, matches: (cmdline: string[]) => boolean): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but not ours to signal.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return matches(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0"));
  } catch {
    // No /proc (not Linux): the signal test has to do; a zombie of our own counts as gone.
    return true;
  }
}

function readState(dir: string): MailstackState | null {
  const paths = mailstackPaths(dir);
  try {
    return JSON.parse(readFileSync(paths.state, "utf8")) as MailstackState;
  } catch {
    return null;
  }
}

function handle(dir: string, state: MailstackState): Mailstack {
  const paths = mailstackPaths(dir);
  return {
    pid: state.pid,
    dir: paths.root,
    imapsPort: state.ports.imaps,
    imapPort: state.ports.imap,
    lmtpPort: state.ports.lmtp,
    smtpPort: state.ports.smtp,
    smtpPid: state.smtpPid,
    passwdFile: paths.passwdFile,
    appPasswordsFile: paths.appPasswordsFile,
    outboxDir: paths.outboxDir,
    smtpLogFile: paths.smtpLogFile,
    certFile: paths.certFile,
    lastLoginFile: paths.lastLoginDict,
    lmtpSocket: paths.lmtpSocket,
    logFile: paths.logFile,
    doveadm: { binary: state.doveadmBinary, config: paths.config },
    stop: () => stopMailstack(dir),
  };
}

/** The instance running from `dir`, or null (no state file, or its PID is gone or is not this Dovecot). */
export function runningMailstack(dir: string): Mailstack | null {
  const state = readState(dir);
  if (!state || !isOurDovecot(state.pid, mailstackPaths(dir).config)) return null;
  return handle(dir, state);
}

/** "2.3.19.1 (9b53102964)", or null when Dovecot is not installed (tests skip on null). */
export function dovecotVersion(binary = "dovecot"): string | null {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Root runs Dovecot's processes as nobody (uid/gid 65534); anyone else runs them as themselves. */
function mailUser(): MailstackUser {
  const me = userInfo();
  if (me.uid === 0) return { name: "nobody", group: "nogroup", uid: 65_534, gid: 65_534 };
  const group = execFileSync("id", ["-gn"], { encoding: "utf8" }).trim();
  return { name: me.username, group, uid: me.uid, gid: me.gid };
}

/**
 * Dovecot's auth and mail processes run as the mail user and must reach the passwd-file and the mail directory:
 * every directory above them needs o+x when that user is nobody (a repository under /root would not do).
 */
function assertReachable(dir: string, user: MailstackUser): void {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const stat = statSync(current);
    const reachable = stat.uid === user.uid ? (stat.mode & 0o100) !== 0 : stat.gid === user.gid ? (stat.mode & 0o010) !== 0 : (stat.mode & 0o001) !== 0;
    if (!reachable) {
      throw new MailstackError(
        `Dovecot runs as ${user.name} and cannot enter ${current} (mode ${(stat.mode & 0o777).toString(8)}): ` +
          `use a DATA_DIR that ${user.name} can reach (e.g. under /tmp) or chmod o+x ${current}`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

function ensureCertificate(paths: ReturnType<typeof mailstackPaths>): void {
  if (existsSync(paths.certFile) && existsSync(paths.keyFile)) return;
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "825", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", paths.keyFile, "-out", paths.certFile],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (error) {
    throw new MailstackError(`openssl could not make the self-signed certificate (apt-get install -y openssl)`, { cause: error });
  }
}

/** Waits for this instance's greeting (IMAP "* OK", SMTP "220"); another server on that port does not count. */
function greeting(port: number, expected: string, timeoutMs: number, prefix = "* OK"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
      if (data.includes("\n")) done(data.startsWith(prefix) && data.includes(expected));
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(false));
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export async function startMailstack(options: StartMailstackOptions): Promise<Mailstack> {
  const paths = mailstackPaths(options.dir);
  const ports: MailstackPorts = { ...DEFAULT_PORTS, ...options.ports };
  const dovecotBinary = options.dovecotBinary ?? "dovecot";
  const doveadmBinary = options.doveadmBinary ?? "doveadm";
  if (!dovecotVersion(dovecotBinary)) {
    throw new MailstackError(`${dovecotBinary} is not installed: apt-get install -y dovecot-imapd dovecot-lmtpd`);
  }
  const running = runningMailstack(paths.root);
  if (running) throw new MailstackError(`A mailstack is already running from ${paths.root} (pid ${running.pid})`);

  const user = mailUser();
  for (const dir of [paths.root, paths.sslDir, paths.stateDir, paths.logDir, paths.mailDir, paths.lastLoginDir, paths.outboxDir]) {
    mkdirSync(dir, { recursive: true });
  }
  // NOTE: sockets left in base_dir by an earlier run (a leftover anvil-auth-penalty socket above all) make auth
  // retry for 5 s at start-up: always start from an empty base_dir.
  rmSync(paths.runDir, { recursive: true, force: true });
  mkdirSync(paths.runDir);
  if (userInfo().uid === 0) {
    assertReachable(paths.root, user);
    chmodSync(paths.root, 0o755);
    // Mail and last-login records are written by processes running as the mail user.
    chownSync(paths.mailDir, user.uid, user.gid);
    chownSync(paths.lastLoginDir, user.uid, user.gid);
  }
  ensureCertificate(paths);
  const hello = `mailstack ${randomBytes(6).toString("hex")} ready.`;
  writeFileSync(paths.config, dovecotConfig(paths, ports, user, hello));
  // Kept across restarts: the emulator owns its content and rewrites it whenever it starts.
  if (!existsSync(paths.passwdFile)) writeFileSync(paths.passwdFile, "");
  chmodSync(paths.passwdFile, 0o644);
  // Same for the app passwords (the emulator's file); the checkpassword program runs as the mail user.
  if (!existsSync(paths.appPasswordsFile)) writeFileSync(paths.appPasswordsFile, "");
  chmodSync(paths.appPasswordsFile, 0o644);
  writeFileSync(paths.appPasswordCheck, appPasswordCheckScript(paths, doveadmBinary), { mode: 0o755 });
  chmodSync(paths.appPasswordCheck, 0o755);
  rmSync(paths.state, { force: true });

  const out = openSync(paths.stdoutFile, "a");
  const argv = [dovecotBinary, "-F", "-c", paths.config];
  // setpriv execs Dovecot in place (same PID); the master's children exit by themselves when the master goes.
  const command = options.attached ? ["setpriv", "--pdeathsig", "KILL", ...argv] : argv;
  const child = spawn(command[0]!, command.slice(1), { detached: true, stdio: ["ignore", out, out] });
  closeSync(out);
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.unref();

  const failure = (why: string) =>
    new MailstackError(`Dovecot did not start: ${why}\n--- ${paths.logFile}\n${tail(paths.logFile)}\n--- ${paths.stdoutFile}\n${tail(paths.stdoutFile)}`);
  const first = await Promise.race([spawnError, sleep(0).then(() => null)]);
  if (first || child.pid === undefined) {
    const error = first ?? (await spawnError);
    throw new MailstackError(`${command[0]} could not be started: ${error.message}`, { cause: error });
  }
  const pid = child.pid;
  const state: MailstackState = { pid, smtpPid: 0, ports, startedAt: new Date().toISOString(), dovecotBinary, doveadmBinary };
  writeFileSync(paths.state, `${JSON.stringify(state, null, 2)}\n`);

  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  for (;;) {
    if (gone !== undefined) {
      rmSync(paths.state, { force: true });
      throw failure(`it exited with code ${gone}`);
    }
    if (await greeting(ports.imap, hello, 1_000)) break;
    if (Date.now() > deadline) {
      await stopMailstack(paths.root);
      throw failure(`no IMAP greeting on 127.0.0.1:${ports.imap} within ${options.startTimeoutMs ?? 15_000} ms`);
    }
    await sleep(20);
  }
  try {
    state.smtpPid = await startSmtp(paths, state, hello, Boolean(options.attached), deadline);
  } catch (error) {
    await stopMailstack(paths.root);
    throw error;
  }
  writeFileSync(paths.state, `${JSON.stringify(state, null, 2)}\n`);
  return handle(paths.root, state);
}

/** Starts the SMTP submission process (detached, like Dovecot) and waits for its banner; returns its PID. */
async function startSmtp(paths: MailstackPaths, state: MailstackState, hello: string, attached: boolean, deadline: number): Promise<number> {
  const options = {
    dir: paths.root,
    port: state.ports.smtp,
    banner: hello,
    certFile: paths.certFile,
    keyFile: paths.keyFile,
    passwdFile: paths.passwdFile,
    outboxDir: paths.outboxDir,
    lmtpPort: state.ports.lmtp,
    doveadm: { binary: state.doveadmBinary, config: paths.config },
  };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const argv = [process.execPath, "--import", tsx, SMTP_MAIN, JSON.stringify(options)];
  const command = attached ? ["setpriv", "--pdeathsig", "KILL", ...argv] : argv;
  const out = openSync(paths.smtpLogFile, "a");
  const child = spawn(command[0]!, command.slice(1), { detached: true, stdio: ["ignore", out, out], cwd: path.resolve(path.dirname(SMTP_MAIN), "../..") });
  closeSync(out);
  let gone: number | null | undefined;
  child.once("exit", (code) => (gone = code));
  child.once("error", () => (gone = -1));
  child.unref();
  const failure = (why: string) => new MailstackError(`The SMTP submission service did not start: ${why}\n--- ${paths.smtpLogFile}\n${tail(paths.smtpLogFile)}`);
  for (;;) {
    if (gone !== undefined) throw failure(`it exited with code ${gone}`);
    if (await greeting(state.ports.smtp, hello, 1_000, "220")) return child.pid!;
    if (Date.now() > deadline + 15_000) {
      if (child.pid) killGroup(child.pid);
      throw failure(`no SMTP banner on 127.0.0.1:${state.ports.smtp}`);
    }
    await sleep(50);
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // gone meanwhile
  }
}

/** Stops the instance running from `dir` (no-op when none is); removes its state file and sockets. */
export async function stopMailstack(dir: string): Promise<void> {
  const paths = mailstackPaths(dir);
  const state = readState(paths.root);
  if (state?.smtpPid && isOurSmtp(state.smtpPid, paths.root)) {
    const smtpAlive = () => isOurSmtp(state.smtpPid, paths.root) && !isZombie(state.smtpPid);
    try {
      process.kill(state.smtpPid, "SIGTERM");
    } catch {
      // gone meanwhile
    }
    const deadline = Date.now() + 3_000;
    while (smtpAlive() && Date.now() < deadline) await sleep(25);
    if (smtpAlive()) killGroup(state.smtpPid);
  }
  if (state && isOurDovecot(state.pid, paths.config)) {
    const alive = () => isOurDovecot(state.pid, paths.config) && !isZombie(state.pid);
    try {
      process.kill(state.pid, "SIGTERM");
    } catch {
      // gone meanwhile
    }
    const deadline = Date.now() + 5_000;
    while (alive() && Date.now() < deadline) await sleep(25);
    if (alive()) {
      try {
        // detached: the master leads its own process group, so this takes every Dovecot child with it.
        process.kill(-state.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
      while (alive() && Date.now() < deadline + 2_000) await sleep(25);
    }
  }
  rmSync(paths.state, { force: true });
  rmSync(paths.runDir, { recursive: true, force: true });
}

/** A child of this process that exited but was not reaped yet still answers signals. */
function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}
