// `npm start`, in plain JavaScript so that no TypeScript loader is needed at run time: builds the client and the
// server (`npm run build`) when their output is missing or older than the sources, then runs the compiled server
// (dist/server/start.js).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUTPUTS = ["dist/client/index.html", "dist/server/start.js"];
// What the build reads: a change to any of these makes the build output stale. Test files are not bundled.
const SOURCES = ["server", "shared", "client", "tools/mailcow-emulator", "tools/mailstack", "index.html", "package-lock.json", "vite.config.ts", "vite.server.config.ts", "tsconfig.json"];

/** Modification time (ms) of the newest file under the given paths (0 when none exists). */
function newest(paths) {
  let latest = 0;
  for (const entry of paths) {
    const full = path.join(ROOT, entry);
    if (!existsSync(full)) continue;
    const stat = statSync(full);
    if (!stat.isDirectory()) {
      latest = Math.max(latest, stat.mtimeMs);
      continue;
    }
    for (const file of readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (!file.isFile() || /\.test\.tsx?$/.test(file.name)) continue;
      latest = Math.max(latest, statSync(path.join(file.parentPath ?? file.path, file.name)).mtimeMs);
    }
  }
  return latest;
}

function stale() {
  if (OUTPUTS.some((file) => !existsSync(path.join(ROOT, file)))) return "The client and the server have not been built yet";
  const built = Math.min(...OUTPUTS.map((file) => statSync(path.join(ROOT, file)).mtimeMs));
  return newest(SOURCES) > built ? "The build is older than its sources" : null;
}

const reason = stale();
if (reason) {
  process.stdout.write(`${reason}: running \`npm run build\` first…\n`);
  // Always a production build, whatever NODE_ENV the server runs with (Vite would bundle React's development build).
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (build.status !== 0) {
    // A build can fail after writing some output (e.g. the bundle-size guard): never let that look up to date.
    for (const file of OUTPUTS) rmSync(path.join(ROOT, file), { force: true });
    process.stderr.write("The build failed; see the output above.\n");
    process.exit(build.status ?? 1);
  }
}
await import(pathToFileURL(path.join(ROOT, "dist/server/start.js")).href);
