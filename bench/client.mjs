// Measures a WebSocket chat server running handler.mjs:
//   node client.mjs ws://127.0.0.1:3001/prod [rounds]
// connect+echo: open a connection, one 2-way message round trip, close;
// echo: one round trip on an open connection; echo@N: N connections held
// open (1, 100, 1000), each making round trips at the same time after one
// untimed round trip to warm the handlers, every round
// trip timed (a round trip answered with anything but its message counts as
// failed); broadcast-50: 50 clients connected, one sends a broadcast,
// until all 50 have it. Prints one JSON line per measure with the median,
// p90, min and max in milliseconds.
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

const url = process.argv[2];
const rounds = Number(process.argv[3] ?? 200);
const file = process.env.CONNECTIONS_FILE ?? "/tmp/wsbench-connections";

const open = (u) => new Promise((resolve, reject) => {
  const ws = new WebSocket(u);
  ws.once("open", () => resolve(ws));
  ws.once("error", reject);
});
const next = (ws) => new Promise((resolve) => ws.once("message", (m) => resolve(m.toString())));

function stats(name, ms, failed = 0) {
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  const r = (x) => Math.round(x * 1000) / 1000;
  console.log(JSON.stringify({ name, n: ms.length, failed, median: r(at(0.5)), p90: r(at(0.9)), min: r(ms[0]), max: r(ms[ms.length - 1]) }));
}

// roundTrip sends one echo message and waits for its reply; a reply other
// than the message (API Gateway's "Internal server error", for one) is an
// error naming it.
async function roundTrip(ws, i) {
  const body = JSON.stringify({ action: "echo", i });
  const got = next(ws);
  ws.send(body);
  const reply = await got;
  if (reply !== body) throw new Error("echo: the reply was " + reply.slice(0, 200));
}

async function connectEcho(i) {
  const start = performance.now();
  const ws = await open(url);
  await roundTrip(ws, i);
  const took = performance.now() - start;
  ws.close();
  return took;
}

writeFileSync(file, "");
for (let i = 0; i < 10; i++) await connectEcho(i); // warm the handlers' processes
const ce = [];
for (let i = 0; i < rounds; i++) ce.push(await connectEcho(i));
stats("connect+echo", ce);

const ws = await open(url);
const echo = [];
for (let i = 0; i < rounds; i++) {
  const start = performance.now();
  await roundTrip(ws, i);
  echo.push(performance.now() - start);
}
stats("echo", echo);
ws.close();

for (const n of [1, 100, 1000]) {
  const conns = [];
  for (let i = 0; i < n; i += 50) {
    conns.push(...await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => open(url))));
  }
  // One untimed round trip on each connection first: both servers then
  // run as many warm handlers as this concurrency needs.
  await Promise.all(conns.map((c, i) => roundTrip(c, -1 - i).catch(() => {})));
  const times = [];
  const failures = [];
  const each = Math.max(3, Math.ceil(rounds / n));
  await Promise.all(conns.map(async (c, i) => {
    for (let k = 0; k < each; k++) {
      const start = performance.now();
      try {
        await roundTrip(c, i * each + k);
        times.push(performance.now() - start);
      } catch (err) {
        failures.push(err.message);
      }
    }
  }));
  if (failures.length > 0) console.error(`echo@${n}: ${failures.length} failed, the first: ${failures[0]}`);
  stats("echo@" + n, times, failures.length);
  for (const c of conns) c.close();
  await new Promise((r) => setTimeout(r, n)); // let the closed connections' $disconnect run
}

await new Promise((r) => setTimeout(r, 500)); // let the closed connections' $disconnect run
writeFileSync(file, "");
const clients = [];
for (let i = 0; i < 50; i++) clients.push(await open(url));
const bc = [];
for (let i = 0; i < Math.max(10, rounds / 4) + 3; i++) {
  const data = "b" + i;
  const all = clients.map((c) => new Promise((resolve) => {
    const on = (m) => { if (m.toString() === data) { c.off("message", on); resolve(); } };
    c.on("message", on);
  }));
  const start = performance.now();
  clients[0].send(JSON.stringify({ action: "broadcast", data }));
  await Promise.all(all);
  if (i >= 3) bc.push(performance.now() - start); // the first ones warm the broadcast handler
}
stats("broadcast-50", bc);
for (const c of clients) c.close();
