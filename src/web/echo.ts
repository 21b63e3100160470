// The echo page: one WebSocket to /echo, which sends every frame back unchanged and in order.
// It shows what went out, what came back and how long the round trip took, and reconnects with
// the same backoff as the chat client. Bundled into public/echo.js by `npm run build:web`.

import { socketUrl } from "../client/socket-url.ts";
import { reconnectDelay, secondsUntil } from "../client/backoff.ts";
import { Countdown } from "./countdown.ts";
import { byId, element, wireComposer } from "./dom.ts";

const log = byId("log", HTMLElement);
const status = byId("status", HTMLElement);
const composer = byId("composer", HTMLFormElement);
const messageField = byId("message", HTMLTextAreaElement);
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", second: "2-digit" });

let socket: WebSocket | null = null;
let attempt = 0;
const countdown = new Countdown();
// The echo keeps order, so the oldest unanswered send is the one each echo answers.
const sentAt: number[] = [];

function connect(): void {
  setStatus("connecting…", "busy");
  const current = new WebSocket(socketUrl(location.href, "/echo"));
  socket = current;
  current.onopen = () => {
    attempt = 0;
    setStatus("connected to /echo", "ok");
  };
  current.onmessage = (event: MessageEvent<unknown>) => {
    const started = sentAt.shift();
    const text = typeof event.data === "string" ? event.data : "(a binary frame)";
    show("received", text, started === undefined ? "" : `after ${Math.round(performance.now() - started)} ms`);
  };
  current.onclose = (event) => {
    if (socket !== current) return;
    socket = null;
    sentAt.length = 0;
    const retryAt = Date.now() + reconnectDelay(attempt++);
    const why = event.reason ? ` (${event.reason})` : "";
    countdown.start((now) => setStatus(`offline · reconnecting in ${secondsUntil(retryAt, now)} s${why}`, "down"));
    setTimeout(() => {
      countdown.stop();
      connect();
    }, retryAt - Date.now());
  };
}

function send(): void {
  const text = messageField.value;
  if (text === "") return;
  if (socket === null || socket.readyState !== WebSocket.OPEN) {
    show("problem", "Not connected: wait for the connection to come back, then send again.", "");
    return;
  }
  socket.send(text);
  sentAt.push(performance.now());
  show("sent", text, "");
  messageField.value = "";
}

function show(kind: "sent" | "received" | "problem", text: string, detail: string): void {
  const follow = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  const item = element("article", `echo ${kind}`);
  const meta = element("header", "meta");
  const label = { sent: "you sent", received: "echo", problem: "not sent" }[kind];
  meta.append(element("span", "name", label), element("time", "time", timeFormat.format(new Date())));
  if (detail) meta.append(element("span", "detail", detail));
  item.append(meta, element("p", "text", text));
  log.querySelector(".empty")?.remove();
  log.append(item);
  if (follow || kind !== "received") log.scrollTop = log.scrollHeight;
}

function setStatus(text: string, tone: string): void {
  status.textContent = text;
  status.dataset.tone = tone;
}

wireComposer(composer, messageField, send);

connect();
