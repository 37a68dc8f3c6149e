// The throw-away Dovecot's generated configuration (no Dovecot needed). Its life cycle against a real Dovecot is in
// mailstack.e2e.test.ts (npm run test:e2e).
import { expect, test } from "vitest";
import { appPasswordCheckScript, DEFAULT_PORTS, dovecotConfig, mailstackPaths } from "./config";

test("the generated config: 127.0.0.1 only, the ports, the passwd-file, the anvil fix, no /etc/dovecot", () => {
  const paths = mailstackPaths("/srv/data/mailstack");
  const config = dovecotConfig(paths, DEFAULT_PORTS, { name: "nobody", group: "nogroup", uid: 65_534, gid: 65_534 });
  expect(config).toContain("listen = 127.0.0.1\n");
  expect(config.match(/address = (\S+)/g)).toEqual(["address = 127.0.0.1", "address = 127.0.0.1", "address = 127.0.0.1"]);
  expect(config).toMatch(/port = 1993\n/);
  expect(config).toMatch(/port = 1143\n/);
  expect(config).toMatch(/port = 10024\n/);
  expect(config).toContain("args = scheme=CRYPT username_format=%u /srv/data/mailstack/users");
  expect(config).toMatch(/unix_listener anvil-auth-penalty \{\n\s+mode = 0\n/);
  expect(config).toContain("mail_uid = 65534");
  const settings = config.split("\n").filter((line) => !line.trimStart().startsWith("#"));
  expect(settings.join("\n")).not.toMatch(/\/etc\/|!include/);
  // Main password first; a mismatch falls through to the protocol-scoped app passwords.
  expect(config).toMatch(/passdb \{\n\s+driver = passwd-file\n[^}]*result_failure = continue\n\s*\}\n[\s\S]*passdb \{\n\s+driver = checkpassword\n\s+args = \/srv\/data\/mailstack\/app-password-check.sh\n/);
  expect(() => mailstackPaths("/tmp/with space")).not.toThrow();
  expect(() => dovecotConfig(mailstackPaths("/tmp/with space"), DEFAULT_PORTS, { name: "x", group: "x", uid: 1, gid: 1 })).toThrow(/plain path/);
});

test("the app-password program: the agreed file, the password on stdin only, PATH set, refusal by default", () => {
  const script = appPasswordCheckScript(mailstackPaths("/srv/data/mailstack"), "/usr/bin/doveadm");
  expect(script).toContain("FILE='/srv/data/mailstack/app-passwords'");
  expect(script).toContain("DOVEADM='/usr/bin/doveadm'");
  expect(script).toMatch(/printf '%s\\n' "\$pass" \| "\$DOVEADM" -c "\$CONFIG" pw -t "\$hash"/);
  expect(script).toMatch(/^export PATH=/m);
  expect(script.trimEnd().endsWith("exit 1")).toBe(true);
  expect(DEFAULT_PORTS.smtp).toBe(1587);
});
