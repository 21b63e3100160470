// The benchmark's plain Node relay of the text framing: every text frame goes to every client,
// sender included, as `from NAME: TEXT`. Run as its own process (`node node-relay.ts PORT`) so
// that its CPU time is measured the same way as wrangler's and workerd's.

import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: Number(process.argv[2]) });
server.on("connection", (socket, request) => {
  const name = new URL(request.url ?? "/", "http://relay").searchParams.get("name") ?? "guest";
  socket.on("message", (data, isBinary) => {
    if (isBinary) return;
    const line = `from ${name}: ${data.toString()}`;
    for (const peer of server.clients) peer.send(line);
  });
});
server.on("listening", () => console.log("listening"));
