// `npm start` runs this file compiled to dist/server/start.js (vite.server.config.ts); scripts/start.js builds it
// first when needed. Warns on a Node release past its end of life, then starts the server.
import { fail, main } from "./index";
import { endOfLifeWarning } from "./runtime";

const warning = endOfLifeWarning(process.versions.node);
if (warning) process.stderr.write(`${warning}\n`);
await main().catch(fail);
