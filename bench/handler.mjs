// The chat design both servers run: $connect keeps the connection's ID,
// echo is a 2-way route that replies, broadcast posts the message to every
// connection through the @connections API (CALLBACK_URL), as AWS's chat sample
// does. Connection IDs are kept in a file (CONNECTIONS_FILE) rather than a
// table, so that both servers do the same work without a database.
import { appendFileSync, readFileSync } from "node:fs";
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";

const api = new ApiGatewayManagementApiClient({ endpoint: process.env.CALLBACK_URL });

export const connect = async (event) => {
  appendFileSync(process.env.CONNECTIONS_FILE, event.requestContext.connectionId + "\n");
  return { statusCode: 200 };
};

export const disconnect = async () => ({ statusCode: 200 });

export const echo = async (event) => ({ statusCode: 200, body: event.body });

export const broadcast = async (event) => {
  const data = JSON.parse(event.body).data;
  const ids = readFileSync(process.env.CONNECTIONS_FILE, "utf8").split("\n").filter(Boolean);
  await Promise.all(ids.map((id) =>
    api.send(new PostToConnectionCommand({ ConnectionId: id, Data: data })).catch((err) => {
      if (err.name !== "GoneException") throw err;
    })));
  return { statusCode: 200 };
};
