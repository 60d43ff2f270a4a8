// The official openai SDK (tests/node), unmodified, pointed at agentd: AGENTD_BASE_URL and
// AGENTD_TOKEN from the environment, no retries, so that every failure shows.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "node", "package.json"));
const OpenAI = require("openai");

export const client = new OpenAI({
  baseURL: process.env.AGENTD_BASE_URL,
  apiKey: process.env.AGENTD_TOKEN,
  maxRetries: 0,
});
