// A webhook receiver for the end-to-end tests: verifies every delivery with the
// `standardwebhooks` npm package, as a user's receiver would, and keeps what it got.
//
//   node webhook_receiver.mjs        prints {"port": N}, then serves:
//   POST /_config {"name","secret","fail_first"?}  the secret of the hook named `name`, and
//                                                  how many deliveries to answer 500 first
//   POST /hooks/<name>                             a delivery: 204 when verified, 400 if not
//   GET  /_received                                every delivery: {name, headers, body,
//                                                  verified, error, answered}
import { createRequire } from "node:module";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "node", "package.json"));
const { Webhook } = require("standardwebhooks");

const hooks = new Map(); // name -> {secret, failFirst}
const received = [];

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function answer(response, status, body) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(body === undefined ? "" : JSON.stringify(body));
}

const server = http.createServer(async (request, response) => {
  const body = await readBody(request);
  if (request.method === "POST" && request.url === "/_config") {
    const { name, secret, fail_first: failFirst = 0 } = JSON.parse(body);
    hooks.set(name, { secret, failFirst });
    return answer(response, 204);
  }
  if (request.method === "GET" && request.url === "/_received") {
    return answer(response, 200, { data: received });
  }
  const match = request.method === "POST" && /^\/hooks\/([\w-]+)$/.exec(request.url);
  if (!match) return answer(response, 404, { error: "no such route" });
  const name = match[1];
  const hook = hooks.get(name);
  const record = { name, headers: request.headers, body, verified: false, error: null };
  received.push(record);
  if (!hook) {
    record.answered = 404;
    return answer(response, 404, { error: "unknown hook" });
  }
  try {
    // The library's own check: signature, and a timestamp within five minutes.
    new Webhook(hook.secret).verify(body, request.headers);
    record.verified = true;
  } catch (error) {
    record.error = String(error.message || error);
  }
  if (hook.failFirst > 0) {
    hook.failFirst -= 1;
    record.answered = 500;
    return answer(response, 500, { error: "failing on purpose" });
  }
  record.answered = record.verified ? 204 : 400;
  return answer(response, record.answered);
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
