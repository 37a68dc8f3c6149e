// A Sieve syntax check standing in for the PHP parser Mailcow validates filters with (data/web/inc/lib/sieve): it
// reproduces that parser's answers for the mistakes recorded against Mailcow 2026-07a (unknown command, a command of
// an extension that was not required, an unknown extension, an unclosed block, a string where a number belongs) in
// its message format "line N: …". It is NOT a full Sieve implementation: argument checks exist only for the commands
// the platform writes (require, if/elsif/else, keep, discard, stop, redirect, fileinto, vacation, flag actions), and
// other messages follow the same pattern without having been measured (see README.md, "Assumptions").

type TokenType = "identifier" | "tag" | "number" | "quoted string" | "multi-line string" | "punctuation" | "script end";

interface Token {
  type: TokenType;
  text: string;
  line: number;
}

export class SieveError extends Error {}

const EXTENSIONS = new Set([
  "fileinto", "reject", "ereject", "envelope", "encoded-character", "vacation", "vacation-seconds", "subaddress",
  "comparator-i;ascii-numeric", "comparator-i;octet", "comparator-i;ascii-casemap", "relational", "regex", "imap4flags",
  "imapflags", "copy", "include", "body", "variables", "enotify", "environment", "mailbox", "date", "index", "ihave",
  "duplicate", "mime", "foreverypart", "extracttext", "editheader", "spamtest", "spamtestplus", "virustest", "notify",
  "vnd.dovecot.pipe", "vnd.dovecot.filter", "vnd.dovecot.execute", "vnd.dovecot.debug", "vnd.dovecot.environment",
  "special-use", "fcc", "mboxmetadata", "servermetadata", "imapsieve",
]);

/** Commands and the extension that makes them known (null: core). */
const COMMANDS: Record<string, string | null> = {
  require: null, if: null, elsif: null, else: null, stop: null, keep: null, discard: null, redirect: null,
  fileinto: "fileinto", reject: "reject", ereject: "ereject", vacation: "vacation", setflag: "imap4flags",
  addflag: "imap4flags", removeflag: "imap4flags", set: "variables", notify: "enotify", include: "include",
  return: "include", global: "include", addheader: "editheader", deleteheader: "editheader", foreverypart: "foreverypart",
  break: "foreverypart", extracttext: "extracttext",
};

const TESTS: Record<string, string | null> = {
  address: null, allof: null, anyof: null, exists: null, false: null, true: null, header: null, not: null, size: null,
  envelope: "envelope", body: "body", date: "date", currentdate: "date", string: "variables", hasflag: "imap4flags",
  duplicate: "duplicate", ihave: "ihave", spamtest: "spamtest", virustest: "virustest", mailboxexists: "mailbox",
  environment: "environment", valid_notify_method: "enotify", notify_method_capability: "enotify",
};

/** Tagged arguments whose value type is checked (command → tag → expected value). */
const TAG_VALUES: Record<string, Record<string, "number" | "string" | "string list">> = {
  vacation: { days: "number", seconds: "number", subject: "string", from: "string", addresses: "string list", handle: "string" },
};

function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const fail = (message: string): never => {
    throw new SieveError(`line ${line}: ${message}`);
  };
  while (i < script.length) {
    const c = script[i] as string;
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (c === "#") {
      while (i < script.length && script[i] !== "\n") i++;
    } else if (c === "/" && script[i + 1] === "*") {
      const end = script.indexOf("*/", i + 2);
      if (end === -1) fail("unterminated comment");
      for (const ch of script.slice(i, end + 2)) if (ch === "\n") line++;
      i = end + 2;
    } else if (c === '"') {
      const start = line;
      let j = i + 1;
      let text = "";
      while (j < script.length && script[j] !== '"') {
        if (script[j] === "\\" && j + 1 < script.length) j++;
        if (script[j] === "\n") line++;
        text += script[j];
        j++;
      }
      if (j >= script.length) fail("unterminated quoted string");
      tokens.push({ type: "quoted string", text: `"${text}"`, line: start });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+[KMG]?/i.exec(script.slice(i)) as RegExpExecArray;
      tokens.push({ type: "number", text: match[0], line });
      i += match[0].length;
    } else if (c === ":" && /[A-Za-z_]/.test(script[i + 1] ?? "")) {
      const match = /^:[A-Za-z_][A-Za-z0-9_]*/.exec(script.slice(i)) as RegExpExecArray;
      tokens.push({ type: "tag", text: match[0], line });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(script.slice(i)) as RegExpExecArray;
      if (match[0].toLowerCase() === "text" && script[i + match[0].length] === ":") {
        const end = script.indexOf("\n.\n", i);
        const stop = end === -1 ? (script.endsWith("\n.") ? script.length - 2 : -1) : end;
        if (stop === -1) fail("unterminated multi-line string");
        const start = line;
        for (const ch of script.slice(i, stop + 3)) if (ch === "\n") line++;
        tokens.push({ type: "multi-line string", text: "text:", line: start });
        i = Math.min(script.length, stop + 3);
      } else {
        tokens.push({ type: "identifier", text: match[0], line });
        i += match[0].length;
      }
    } else if ("[](){},;".includes(c)) {
      tokens.push({ type: "punctuation", text: c, line });
      i++;
    } else fail(`unexpected character ${c}`);
  }
  tokens.push({ type: "script end", text: "", line });
  return tokens;
}

const PUNCTUATION_NAMES: Record<string, string> = {
  "[": "left bracket", "]": "right bracket", "(": "left parenthesis", ")": "right parenthesis", "{": "block start",
  "}": "block end", ",": "comma", ";": "semicolon",
};

function describe(token: Token): string {
  return token.type === "punctuation" ? (PUNCTUATION_NAMES[token.text] ?? token.text) : token.type;
}

/** Throws SieveError("line N: …") for a script Mailcow's parser would refuse. */
export function checkSieve(script: string): void {
  const tokens = tokenize(script);
  const required = new Set<string>();
  let pos = 0;
  const peek = () => tokens[pos] as Token;
  const next = () => tokens[pos++] as Token;
  const fail = (token: Token, message: string): never => {
    throw new SieveError(`line ${token.line}: ${message}`);
  };
  const expected = (token: Token, what: string): never => fail(token, `${describe(token)} where ${what} expected near ${token.text}`);
  const isPunct = (token: Token, text: string) => token.type === "punctuation" && token.text === text;
  const isString = (token: Token) => token.type === "quoted string" || token.type === "multi-line string";

  function stringList(): Token[] {
    const first = next();
    if (isString(first)) return [first];
    if (!isPunct(first, "[")) return expected(first, "string list");
    const items: Token[] = [];
    for (;;) {
      const item = next();
      if (!isString(item)) return expected(item, "quoted string");
      items.push(item);
      const sep = next();
      if (isPunct(sep, "]")) return items;
      if (!isPunct(sep, ",")) return expected(sep, "comma");
    }
  }

  /** Arguments up to a test, a test list, ";" or "{"; returns the positional ones. */
  function argumentsOf(command: string): Token[] {
    const positional: Token[] = [];
    for (;;) {
      const token = peek();
      if (token.type === "tag") {
        next();
        const want = TAG_VALUES[command]?.[token.text.slice(1).toLowerCase()];
        if (want === "number") {
          const value = next();
          if (value.type !== "number") expected(value, "number");
        } else if (want === "string") {
          const value = next();
          if (!isString(value)) expected(value, "quoted string");
        } else if (want === "string list") stringList();
      } else if (token.type === "number") positional.push(next());
      else if (isString(token) || isPunct(token, "[")) positional.push(...stringList());
      else return positional;
    }
  }

  function test(): void {
    const name = next();
    if (name.type !== "identifier") expected(name, "identifier");
    const key = name.text.toLowerCase();
    const ext = TESTS[key];
    if (ext === undefined || (ext !== null && !required.has(ext))) fail(name, `unknown test ${name.text}`);
    argumentsOf(key);
    if (key === "allof" || key === "anyof") testList();
    else if (key === "not") test();
  }

  function testList(): void {
    const open = next();
    if (!isPunct(open, "(")) expected(open, "left parenthesis");
    for (;;) {
      test();
      const sep = next();
      if (isPunct(sep, ")")) return;
      if (!isPunct(sep, ",")) expected(sep, "comma");
    }
  }

  function block(): void {
    const open = next();
    if (!isPunct(open, "{")) expected(open, "block start");
    while (!isPunct(peek(), "}")) {
      if (peek().type === "script end") expected(peek(), "block end");
      command();
    }
    next();
  }

  function command(): void {
    const name = next();
    if (name.type !== "identifier") fail(name, `unexpected ${describe(name)} ${name.text}`.trimEnd());
    const key = name.text.toLowerCase();
    const ext = COMMANDS[key];
    if (ext === undefined || (ext !== null && !required.has(ext))) fail(name, `unknown command ${name.text}`);
    if (key === "require") {
      for (const item of stringList()) {
        const extension = item.text.slice(1, -1);
        if (!EXTENSIONS.has(extension)) fail(item, `unexpected quoted string ${item.text}`);
        required.add(extension);
        if (extension === "imapflags") required.add("imap4flags");
      }
    } else if (key === "if" || key === "elsif") {
      test();
      block();
      return;
    } else if (key === "else") {
      block();
      return;
    } else {
      const positional = argumentsOf(key);
      if ((key === "redirect" || key === "fileinto" || key === "vacation" || key === "reject") && positional.length === 0) {
        expected(peek(), "quoted string");
      }
    }
    const end = next();
    if (!isPunct(end, ";")) expected(end, "semicolon");
  }

  while (peek().type !== "script end") command();
}
