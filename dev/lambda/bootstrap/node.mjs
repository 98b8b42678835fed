// Lambda Runtime API loop for Node.js, run by wsdesign dev.
import path from "node:path";
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import http from "node:http";

const api = "/2018-06-01/runtime";
const [apiHost, apiPort] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
// One kept-alive connection to the Runtime API: fetch opens and tears down
// more per call, which made up most of a warm invocation's time.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: apiPort, path, method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
const root = process.env.LAMBDA_TASK_ROOT;
const handlerName = process.env._HANDLER;
const refuseCallback = process.env.WSDESIGN_REFUSE_CALLBACK === "1";

function errorBody(e) {
  if (!(e instanceof Error)) return { errorType: "Error", errorMessage: String(e), trace: [] };
  return { errorType: e.name || "Error", errorMessage: e.message, trace: (e.stack || "").split("\n") };
}

async function post(url, body, errType) {
  const headers = { "content-type": "application/json" };
  if (errType) headers["Lambda-Runtime-Function-Error-Type"] = errType;
  await request("POST", url, JSON.stringify(body), headers);
}

async function load() {
  const dot = handlerName.lastIndexOf(".");
  const modName = handlerName.slice(0, dot), fn = handlerName.slice(dot + 1);
  const base = path.resolve(root, modName);
  let file = null;
  for (const ext of [".js", ".mjs", ".cjs"]) if (fs.existsSync(base + ext)) { file = base + ext; break; }
  if (!file) throw Object.assign(new Error("Cannot find module '" + modName + "'"), { name: "Runtime.ImportModuleError" });
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    const err = new Error(e.message);
    err.name = e.code === "ERR_MODULE_NOT_FOUND" || e.code === "MODULE_NOT_FOUND" ? "Runtime.ImportModuleError" : (e.name || "Error");
    err.stack = e.stack;
    throw err;
  }
  let h = mod[fn];
  if (h === undefined && mod.default) h = mod.default[fn];
  if (typeof h !== "function") throw Object.assign(new Error(modName + "." + fn + " is undefined or not exported"), { name: "Runtime.HandlerNotFound" });
  if (h.length >= 3 && refuseCallback) throw Object.assign(new Error("Callback-based function handlers are not supported in " + process.env.WSDESIGN_RUNTIME + ". Please use async handlers."), { name: "Runtime.CallbackHandlerDeprecated" });
  return h;
}

// run invokes the handler as Lambda's runtime does: an async handler ends
// with its promise; otherwise the invocation ends when the callback, or one
// of the legacy context.succeed, fail and done (gone in nodejs24.x with
// callbacks), is called, when a handler without callback returns a value,
// or else when the event loop is empty (callbackWaitsForEmptyEventLoop).
function run(h, event, context) {
  return new Promise((resolve, reject) => {
    let done = false;
    const idle = () => cb(null, undefined);
    const cb = (err, result) => {
      if (done) return;
      done = true;
      process.removeListener("beforeExit", idle);
      err !== null && err !== undefined ? reject(err) : resolve(result);
    };
    if (!refuseCallback) {
      context.succeed = (result) => cb(null, result);
      context.fail = (err) => cb(err === undefined || err === null ? "handled" : err);
      context.done = cb;
    }
    try {
      const r = h.length >= 3 ? h(event, context, cb) : h(event, context);
      if (r && typeof r.then === "function") r.then((v) => cb(null, v), (e) => cb(e));
      else if (h.length < 3 && r !== undefined) cb(null, r);
      else if (!done) process.once("beforeExit", idle);
    } catch (e) { cb(e); }
  });
}

let handler;
try {
  handler = await load();
} catch (e) {
  console.error(e.stack || String(e));
  await post(api + "/init/error", errorBody(e), e.name);
  process.exit(1);
}

for (;;) {
  const res = await request("GET", api + "/invocation/next");
  const id = res.headers["lambda-runtime-aws-request-id"];
  const deadline = Number(res.headers["lambda-runtime-deadline-ms"]);
  const event = JSON.parse(res.text);
  const context = {
    awsRequestId: id,
    invokedFunctionArn: res.headers["lambda-runtime-invoked-function-arn"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: "$LATEST",
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: "/aws/lambda/" + process.env.AWS_LAMBDA_FUNCTION_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    const result = await run(handler, event, context);
    await post(api + "/invocation/" + id + "/response", result === undefined ? null : result);
  } catch (e) {
    console.error(e && e.stack ? e.stack : String(e));
    await post(api + "/invocation/" + id + "/error", errorBody(e), "Unhandled");
  }
}
