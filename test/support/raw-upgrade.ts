// A WebSocket handshake written byte for byte over TCP, for fault tests that must send a path
// exactly as given: WHATWG URL parsing (used by `ws` and browsers) would resolve `..` and
// `%2e%2e` segments and re-encode others before the server ever saw them.

import { randomBytes } from "node:crypto";
import { connect } from "node:net";

/** What the server answered: the HTTP status and, after a 101, the first close frame, if any. */
export interface RawAnswer {
  status: number;
  headers: string;
  close: { code: number; reason: string } | null;
}

/** Sends an upgrade request for `target` (path and query, unparsed) and reads the answer. */
export function rawUpgrade(port: number, target: string, extraHeaders = "", timeoutMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let buffer = Buffer.alloc(0);
    let status = 0;
    let headers = "";
    let bodyStart = -1;
    const finish = (answer: RawAnswer | Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    };
    const timer = setTimeout(
      () => finish(new Error(`raw upgrade of ${JSON.stringify(target)}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on("error", (error) => finish(new Error(`raw upgrade of ${JSON.stringify(target)}: ${error.message}`)));
    socket.on("connect", () => {
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`,
      );
    });
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (bodyStart < 0) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        headers = buffer.subarray(0, end).toString("latin1");
        status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0);
        bodyStart = end + 4;
        if (status !== 101) return finish({ status, headers, close: null });
      }
      // Frames from the server are unmasked: byte 0 holds the opcode, byte 1 the length.
      const frames = buffer.subarray(bodyStart);
      if (frames.length < 2) return;
      const opcode = frames[0]! & 0x0f;
      const length = frames[1]! & 0x7f;
      if (opcode !== 0x8) return finish({ status, headers, close: null });
      if (frames.length < 2 + length) return;
      const payload = frames.subarray(2, 2 + length);
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      finish({ status, headers, close: { code, reason: payload.subarray(2).toString("utf8") } });
    });
    socket.on("end", () => finish({ status, headers, close: null }));
  });
}
