// `npm start`: builds the client when the build output is missing, then runs the server.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fail, main } from "./index";

if (!existsSync("dist/client/index.html")) {
  process.stdout.write("The client has not been built yet: running `npm run build` first…\n");
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (build.status !== 0) {
    process.stderr.write("The client build failed; see the output above.\n");
    process.exit(build.status ?? 1);
  }
}
await main().catch(fail);
