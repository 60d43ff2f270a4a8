// Drives the web console in Debian's headless Chromium with playwright-core, as a person
// would, at one screen width; checks every view with axe-core and saves a screenshot of each.
// Usage: node console_browser.mjs   with, in the environment,
//   AGENTD_URL       the server, e.g. http://127.0.0.1:8080
//   VIEWPORT         desktop (1280 px wide) or phone (360 px)
//   SCREENSHOT_DIR   where the screenshots go
//   CHROMIUM         the browser (default /usr/bin/chromium)
//   ADMIN_EMAIL      an administrator's account (password correct-horse-battery)
// Prints one JSON line {"ok":true,"steps":[…]} and exits 0, or prints what failed and exits 1.
// Any error in the page's console, any uncaught exception and any serious or critical axe
// finding fails the run.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "node", "package.json"));
const { chromium } = require("playwright-core");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.env.AGENTD_URL;
const width = process.env.VIEWPORT ?? "desktop";
const shots = process.env.SCREENSHOT_DIR;
const viewport = width === "phone" ? { width: 360, height: 740 } : { width: 1280, height: 800 };
const PASSWORD = "correct-horse-battery";
const email = `console-${width}-${Date.now()}@example.com`;
const TIMEOUT = 15_000;

const steps = [];
const consoleErrors = [];
let allowedErrors = null; // while set, console errors matching it are expected ones

function step(name) {
  steps.push(name);
}

async function checkAccessibility(page, view) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) })),
    ),
  );
  const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious, [], `axe on ${view} (${width})`);
  step(`axe: ${view}`);
}

async function screenshot(page, view) {
  await page.screenshot({ path: path.join(shots, `${view}-${width}.png`), fullPage: false });
}

async function view(page, name) {
  await checkAccessibility(page, name);
  await screenshot(page, name);
}

/** The session's refresh token, as the page keeps it. */
function refreshToken(page) {
  return page.evaluate(() => localStorage.getItem("agentd.console.refresh_token"));
}

async function api(pathname, { token, method = "GET", body } = {}) {
  const response = await fetch(base + pathname, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function openNav(page, name) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click();
}

async function newConversation(page, title) {
  if (width === "phone") await openNav(page, "Conversations");
  const form = page.locator("form.new-conversation");
  await form.locator("summary").click();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Model").selectOption("fake-tool");
  await page.getByRole("button", { name: "New conversation" }).click();
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
}

async function send(page, text) {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
}

function answers(page) {
  return page.locator(".turn.assistant .bubble");
}

async function signUpAndIn(page) {
  await page.goto(`${base}/console/`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  assert.match(page.url(), /#\/sign-in$/);
  await view(page, "sign-in");

  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByRole("heading", { name: "Create an account" }).waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("Console Tester");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("alert").filter({ hasText: "at least 8 characters" }).waitFor();
  await view(page, "register");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Conversations" }).waitFor();
  step("registered and signed in");

  // Sign out, then in with the new account.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  assert.equal(await refreshToken(page), null, "signing out forgets the refresh token");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Conversations" }).waitFor();
  assert.ok(await refreshToken(page), "the refresh token is kept for reloads");
  step("signed out and in again");
}

async function chatWithTool(page) {
  await newConversation(page, "Arithmetic");
  await send(page, "what is 6*7");
  const answer = 'The tool returned: {"expression":"6*7","result":42}';
  await answers(page).filter({ hasText: answer }).waitFor();
  const tool = page.locator("details.step", { hasText: "calculator" });
  await tool.waitFor();
  assert.equal(await tool.getAttribute("data-state"), "ok");
  assert.match(await tool.locator(".step-status").innerText(), /^done in \d+ ms$/);
  assert.equal(await tool.evaluate((d) => d.open), false, "a tool step is folded at first");
  await tool.locator("summary").click();
  const body = await tool.locator(".step-body").innerText();
  assert.match(body, /"expression": "6\*7"/);
  assert.match(body, /"result": 42/);
  await page.getByRole("textbox", { name: "Message" }).focus();
  await view(page, "chat");
  step("streamed answer with its calculator step");

  // The history, reloaded from the server, shows the same turns, tool result included.
  await page.reload();
  await answers(page).filter({ hasText: answer }).waitFor();
  await page.locator("details.step", { hasText: "calculator" }).locator("summary").click();
  assert.match(await page.locator("details.step .step-body").innerText(), /"result": 42/);
  step("history with the tool turn after a reload");
}

async function approvalWithEditedArguments(page) {
  await newConversation(page, "Time check");
  await send(page, 'call current_time {"timezone":"UTC"}');
  const step_ = page.locator("details.step", { hasText: "current_time" });
  await step_.waitFor();
  await page.locator('.step[data-state="waiting"]').waitFor();
  await page.getByRole("status").filter({ hasText: "Waiting for approval" }).waitFor();
  const approvals = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Approvals/ });
  await page.waitForFunction(() => document.querySelector(".badge:not([hidden])")?.textContent?.startsWith("1"));
  await page.getByRole("link", { name: "Approvals 1 pending" }).waitFor();
  step("the run paused; the badge counts one pending call");

  await approvals.click();
  const card = page.locator("form.approval", { hasText: "current_time" });
  await card.waitFor();
  assert.match(await card.innerText(), /Time check/);
  const args = card.getByRole("textbox", { name: "Arguments (JSON)" });
  assert.equal(await args.inputValue(), '{\n  "timezone": "UTC"\n}');
  await view(page, "approvals");

  // Arguments that do not fit the tool's schema are refused before anything is sent.
  await args.fill('{"timezone": 5}');
  await card.locator(".problems").filter({ hasText: "arguments.timezone must be a string" }).waitFor();
  assert.equal(await args.getAttribute("aria-invalid"), "true");
  await card.getByRole("button", { name: "Approve with edits" }).click();
  await page.waitForTimeout(300);
  assert.equal((await api("/v1/approvals?status=pending", { token: await accessToken(page) })).body.data.length, 1, "nothing was decided");
  await args.fill('{"timezone": "Asia/Tokyo"}');
  assert.equal(await card.locator(".problems li").count(), 0);
  await card.getByRole("button", { name: "Approve with edits" }).click();
  await page.getByText("Decision sent; the run is completed.").waitFor();
  await page.waitForFunction(() => document.querySelector(".badge")?.hidden === true);
  step("approved with edited arguments in the inbox");

  await page.getByRole("link", { name: "Open the conversation" }).click();
  await answers(page).filter({ hasText: '"timezone":"Asia/Tokyo"' }).waitFor();
  const done = page.locator("details.step", { hasText: "current_time" });
  assert.equal(await done.getAttribute("data-state"), "ok");
  await done.locator("summary").click();
  const body = await done.locator(".step-body").innerText();
  assert.match(body, /Arguments, as edited by the approver\s+\{\s+"timezone": "Asia\/Tokyo"\s+\}/i);
  assert.match(body, /The model asked for\s+\{\s+"timezone": "UTC"\s+\}/i);
  assert.match(body, /Result\s+\{[^}]*"timezone": "Asia\/Tokyo"/i, "the call ran with the edited arguments");
  step("the chat shows the run finished with the edited result");
}

async function rejectWithReason(page) {
  await send(page, 'call current_time {"timezone":"Europe/Paris"}');
  await page.locator('.step[data-state="waiting"]').waitFor();
  await page.getByRole("link", { name: "Approvals 1 pending" }).click();
  const card = page.locator("form.approval", { hasText: "current_time" });
  await card.getByRole("radio", { name: "Reject" }).check();
  await card.getByRole("textbox", { name: "Reason for rejecting" }).fill("not in Paris today");
  await card.getByRole("button", { name: "Reject" }).click();
  await page.getByText("Decision sent; the run is completed.").waitFor();
  await page.getByRole("link", { name: "Open the conversation" }).click();
  const rejected = page.locator("details.step", { hasText: "current_time" }).last();
  await page.waitForFunction(() => document.querySelectorAll("details.step").length === 2);
  assert.equal(await rejected.getAttribute("data-state"), "error");
  await rejected.locator("summary").click();
  assert.match(await rejected.locator(".step-body").innerText(), /a person rejected this tool call: not in Paris today/);
  step("rejected with a reason; the model was told why");
}

async function accessToken(page) {
  // The page keeps its access token in memory only; the test gets one of its own.
  const r = await api("/v1/auth/login", { method: "POST", body: { email, password: PASSWORD } });
  assert.equal(r.status, 200);
  return r.body.access_token;
}

async function reloadMidStream(page) {
  await newConversation(page, "Slow story");
  const tokens = 30;
  const expected = Array.from({ length: tokens }, (_, i) => `t${i}`).join(" ");
  const followed = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/events")) followed.push(request.headers()["last-event-id"] ?? null);
  });
  await send(page, `[fake:fake-slow-stream tokens=${tokens} delay-ms=100] tell me a story`);
  await answers(page).filter({ hasText: /t5\b/ }).waitFor();
  const before = await answers(page).last().innerText();
  assert.ok(!before.includes(`t${tokens - 1}`), "reloaded before the end of the stream");
  const tokenBefore = await refreshToken(page);
  await page.reload();
  await page.getByRole("status").filter({ hasText: "Running" }).waitFor();
  assert.equal(await answers(page).count(), 1);
  await page.getByRole("button", { name: "Stop" }).waitFor();
  await screenshot(page, "chat-streaming");
  await page.getByRole("button", { name: "Send" }).and(page.locator(":enabled")).waitFor({ timeout: TIMEOUT });
  assert.equal(await answers(page).last().innerText(), expected, "every token once, in order");
  assert.equal(followed.length >= 1, true, "the reloaded page followed the run");
  assert.ok(Number(followed[0]) > 0, `followed with Last-Event-ID, got ${followed[0]}`);
  assert.notEqual(await refreshToken(page), tokenBefore, "the reload rotated the refresh token");
  step(`reload mid-stream: resumed after event ${followed[0]}, nothing missed`);
}

async function stopButton(page) {
  await send(page, "[fake:fake-slow-stream tokens=200 delay-ms=50] a long one");
  await answers(page).last().filter({ hasText: /t3\b/ }).waitFor();
  await page.getByRole("button", { name: "Stop" }).click();
  await page.locator(".turn.notice", { hasText: "The run was stopped." }).waitFor();
  await page.getByRole("button", { name: "Send" }).and(page.locator(":enabled")).waitFor();
  const partial = await answers(page).last().innerText();
  assert.ok(!partial.includes("t199"), "the stream stopped before its end");
  const conversationId = decodeURIComponent(page.url().split("/").pop());
  const runs = await api(`/v1/conversations/${conversationId}/runs?limit=1`, { token: await accessToken(page) });
  assert.equal(runs.body.data[0].status, "cancelled");
  step("the stop button cancelled the run");
}

async function apiKeys(page) {
  await openNav(page, "API keys");
  await page.getByRole("heading", { name: "New key" }).waitFor();
  await view(page, "keys");
  await page.getByLabel("Name").fill("calculator only");
  const tools = page.getByRole("group", { name: "Allowed tools" });
  await tools.getByRole("checkbox", { name: "Every one" }).uncheck();
  await tools.getByRole("checkbox", { name: "calculator" }).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const secretBox = page.getByRole("textbox", { name: "Secret key" });
  await secretBox.waitFor();
  const secret = await secretBox.inputValue();
  assert.match(secret, /^sk-agentd-/);
  await page.getByRole("button", { name: "Copy" }).click();
  await page.getByText("Copied.").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await view(page, "key-secret");

  // What the key may do is what the form said.
  const allowed = await api("/v1/tools", { token: secret });
  assert.equal(allowed.status, 200);
  assert.deepEqual(allowed.body.data.map((t) => t.function.name), ["calculator"]);
  const card = page.getByRole("article", { name: "Key calculator only" });
  assert.match(await card.innerText(), /Tools\s+calculator/);

  // Shown once: closing the panel takes the secret off the page, and the list never has it.
  await page.getByRole("button", { name: "Done" }).click();
  await secretBox.waitFor({ state: "detached" });
  assert.ok(!(await page.content()).includes(secret), "the secret is gone from the page");
  await page.reload();
  await card.waitFor();
  assert.ok(!(await page.content()).includes(secret));
  step("key with one allowed tool, its secret shown once");

  await card.getByRole("button", { name: "Revoke calculator only" }).click();
  await card.getByRole("button", { name: "Revoke", exact: true }).click();
  await card.waitFor({ state: "detached" });
  assert.equal((await api("/v1/tools", { token: secret })).status, 401, "a revoked key stops working");
  step("key revoked");
}

/** Every day,key row of the last 7 days' usage, once `calls` calls through keys are written. */
async function usageByDayAndKey(token, calls) {
  const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const r = await api(`/v1/usage?group_by=day,key&from=${from}&limit=100`, { token });
    assert.equal(r.status, 200);
    const throughKeys = r.body.data.filter((row) => row.api_key_id !== null).reduce((n, row) => n + row.requests, 0);
    if (throughKeys >= calls || Date.now() > deadline) {
      assert.equal(throughKeys, calls, "the calls through keys are accounted");
      return r.body;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function usagePage(page) {
  // Model calls through two keys (one model priced, one not), beside the session's runs.
  const token = await accessToken(page);
  const keys = [];
  for (const name of ["reports", "nightly"]) {
    const created = await api("/v1/auth/tokens", { token, method: "POST", body: { name } });
    assert.equal(created.status, 201);
    keys.push(created.body.key);
  }
  const calls = [[keys[0], "priced-echo"], [keys[0], "priced-echo"], [keys[0], "fake-echo"], [keys[1], "priced-echo"]];
  for (const [key, model] of calls) {
    const body = { model, messages: [{ role: "user", content: "count these few words please" }] };
    assert.equal((await api("/v1/chat/completions", { token: key, method: "POST", body })).status, 200);
  }
  const byDayAndKey = await usageByDayAndKey(token, calls.length);
  const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  const totals = (await api(`/v1/usage?from=${from}`, { token })).body.totals;

  await openNav(page, "Usage");
  await page.getByRole("heading", { level: 1, name: "Usage" }).waitFor();
  const tokensChart = page.getByRole("img", { name: /^Tokens per day per API key/ });
  await tokensChart.waitFor();
  const costChart = page.getByRole("img", { name: /^Cost per day per API key/ });
  const seriesCount = new Set(byDayAndKey.data.map((row) => row.api_key_id)).size;
  assert.equal(seriesCount, 3, "the session and two keys");
  assert.equal(await tokensChart.locator("g.series").count(), seriesCount);
  assert.equal(await costChart.locator("g.series").count(), seriesCount);
  const legend = await page.locator(".legend li").allInnerTexts();
  assert.equal(legend[0], "session", "the session's series comes first");
  assert.deepEqual(legend.slice(1).sort(), ["nightly", "reports"], "keys are named");

  // The table's totals are GET /v1/usage's.
  const foot = page.locator(".usage-table tfoot td");
  const number = async (index) => Number((await foot.nth(index).innerText()).replaceAll(",", ""));
  assert.equal(await number(0), totals.requests);
  assert.equal(await number(1), totals.input_tokens);
  assert.equal(await number(2), totals.output_tokens);
  const cost = Number(await foot.nth(3).getAttribute("data-usd"));
  assert.ok(Math.abs(cost - totals.cost_usd) < 1e-9, `cost ${cost} against ${totals.cost_usd}`);
  assert.match(await foot.nth(3).innerText(), /^\$\d/);
  await view(page, "usage");
  step("usage charted per day and key; the table's totals are the API's");

  await page.getByLabel("Range").selectOption("30");
  await page.getByRole("img", { name: /^Tokens per day per API key, \d{4}-\d{2}-\d{2} to/ }).waitFor();
  assert.equal(await page.locator(".usage-table tbody tr").count(), byDayAndKey.data.length);
  step("usage over the last 30 days");
}

async function conversationList(page) {
  // More than a page (20) of conversations: the oldest come with "Load more".
  const token = await accessToken(page);
  for (let i = 1; i <= 20; i += 1) {
    assert.equal((await api("/v1/conversations", { token, method: "POST", body: { title: `Filler ${i}` } })).status, 201);
  }
  await openNav(page, "Conversations");
  const list = page.locator(".conversation-list");
  await list.getByRole("link", { name: /Filler 20/ }).waitFor();
  await view(page, "conversations");
  assert.equal(await list.getByRole("link", { name: /Arithmetic/ }).count(), 0, "the first page holds the newest");
  await page.getByRole("button", { name: "Load more" }).click();
  for (const title of ["Arithmetic", "Time check", "Slow story"]) await list.getByRole("link", { name: new RegExp(title) }).waitFor();
  assert.equal(await list.getByRole("link").count(), 23);
  assert.equal(await page.getByRole("button", { name: "Load more" }).isHidden(), true);
  step("conversations listed a page at a time");
  await list.getByRole("link", { name: /Arithmetic/ }).click();
  await page.getByRole("heading", { level: 1, name: "Arithmetic" }).waitFor();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete" }).click(); // the confirmation
  await page.waitForURL(/#\/conversations$/);
  await list.getByRole("link", { name: /Filler 20/ }).waitFor();
  await page.getByRole("button", { name: "Load more" }).click();
  await list.getByRole("link", { name: /Time check/ }).waitFor();
  assert.equal(await list.getByRole("link", { name: /Arithmetic/ }).count(), 0);
  assert.equal(await list.getByRole("link").count(), 22);
  step("conversation deleted from the list");
}

async function darkMode(page) {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.locator(".conversation-list").getByRole("link", { name: /Time check/ }).click();
  await answers(page).first().waitFor();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, "rgb(15, 20, 25)", "dark colours follow the system");
  await view(page, "chat-dark");
  await page.emulateMedia({ colorScheme: "light" });
  step("dark mode follows the system");
}

async function sessionEnded(page) {
  // Another place ends the session: the next call is 401, the refresh is refused, and the page
  // goes back to sign-in. The browser logs those refused requests; they are expected here.
  const token = await refreshToken(page);
  assert.equal((await api("/v1/auth/logout", { method: "POST", body: { refresh_token: token } })).status, 204);
  allowedErrors = /status of 401/;
  await openNav(page, "API keys");
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  allowedErrors = null;
  assert.equal(await refreshToken(page), null);
  // Signing in again comes back to the page asked for.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "API keys" }).waitFor();
  step("a 401 sends the person back to sign in, then to the page asked for");
}

async function usersPage(page) {
  // A person is not offered the page; an administrator sets and removes their limits.
  const nav = page.getByRole("navigation", { name: "Main" });
  assert.equal(await nav.getByRole("link", { name: "Users" }).count(), 0);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Email").fill(process.env.ADMIN_EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await nav.getByRole("link", { name: "Users" }).waitFor();
  step("Users shown to an administrator only");

  await openNav(page, "Users");
  const card = page.getByRole("article", { name: `User ${email}` });
  await card.getByRole("button", { name: `Edit limits of ${email}` }).click();
  await card.getByLabel("Tokens per period").fill("5000");
  await card.getByLabel("Period", { exact: true }).selectOption("day");
  await card.getByLabel("Tokens per minute").fill("900");
  await view(page, "users-form");
  await card.getByRole("button", { name: "Save" }).click();
  await card.getByText("5,000 tokens a day").waitFor();
  await card.locator("dd.spent").waitFor();
  const signedIn = await api("/v1/auth/login", { method: "POST", body: { email: process.env.ADMIN_EMAIL, password: PASSWORD } });
  const token = signedIn.body.access_token;
  const users = (await api("/v1/users?limit=100", { token })).body.data;
  const person = users.find((user) => user.email === email);
  assert.deepEqual(person.budget, { max_tokens: 5000, max_cost_usd: null, period: "day" });
  assert.equal(person.tokens_per_minute, 900);
  await view(page, "users");
  step("an administrator set a person's budget and tokens per minute");

  await card.getByRole("button", { name: `Edit limits of ${email}` }).click();
  await card.getByLabel("Tokens per period").fill("");
  await card.getByLabel("Tokens per minute").fill("");
  await card.getByRole("button", { name: "Save" }).click();
  await card.getByText("no limit").waitFor();
  const cleared = (await api("/v1/users?limit=100", { token })).body.data.find((user) => user.email === email);
  assert.equal(cleared.budget, null);
  assert.equal(cleared.tokens_per_minute, null);
  step("limits removed");
}

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox"],
  });
  try {
    const context = await browser.newContext({ viewport, colorScheme: "light", permissions: ["clipboard-read", "clipboard-write"] });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      if (allowedErrors && allowedErrors.test(message.text())) return;
      consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));

    await signUpAndIn(page);
    await chatWithTool(page);
    await approvalWithEditedArguments(page);
    await rejectWithReason(page);
    await reloadMidStream(page);
    await stopButton(page);
    await apiKeys(page);
    await usagePage(page);
    await conversationList(page);
    await darkMode(page);
    await sessionEnded(page);
    await usersPage(page);
    assert.deepEqual(consoleErrors, [], "errors in the page's console");
    console.log(JSON.stringify({ ok: true, viewport: width, steps }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, viewport: width, steps, consoleErrors, error: String(error.stack ?? error) }));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

await main();
