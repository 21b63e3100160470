// The reconnecting JSON-framing client shared by the browser page and the terminal client.
// It owns what makes a chat client trustworthy: resume with `since` so nothing is missed or
// shown twice, an outbox whose messages carry a `ref` so a resend never duplicates, pacing
// to the room's limits, heartbeats, and jittered backoff. It knows no DOM and no Node API:
// the caller hands it a way to open a socket.

import {
  FINAL_CLOSE_CODES,
  HEARTBEAT_INTERVAL_MS,
  JSON_SUBPROTOCOL,
  PATIENCE_CLOSE_CODES,
  PING_FRAME,
  CloseCode,
  type ChatMessage,
  type ClientMessage,
  type ErrorMessage,
  type JoinMessage,
  type LeaveMessage,
  type RoomLimits,
  type ServerMessage,
  type WelcomeMessage,
} from "../shared/protocol.ts";
import { parseServerFrame } from "../shared/frames.ts";
import { fullBucket, waitForTokens, type Bucket } from "../shared/token-bucket.ts";
import { roomSocketUrl } from "./socket-url.ts";
import { reconnectDelay } from "./backoff.ts";
import { Outbox, type PendingMessage } from "./outbox.ts";

export type { PendingMessage };

/** The subset of the WHATWG WebSocket that both browsers and the `ws` package provide. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Where the connection stands, for a status line. */
export type ConnectionState =
  | { kind: "connecting"; attempt: number }
  | { kind: "connected" }
  | { kind: "waiting"; retryAt: number; attempt: number; code: number; reason: string }
  | { kind: "closed"; code: number; reason: string };

/** What the connection reports; every callback is optional. */
export interface ChatConnectionEvents {
  state?(state: ConnectionState): void;
  welcome?(welcome: WelcomeMessage, resumed: boolean): void;
  /** A message not seen before, in room order; `mine` when this client sent it. */
  message?(message: ChatMessage, mine: boolean): void;
  join?(join: JoinMessage): void;
  leave?(leave: LeaveMessage): void;
  error?(error: ErrorMessage): void;
  /** The set of unacknowledged messages changed. */
  pending?(pending: readonly PendingMessage[]): void;
  /** The socket closed before it ever opened, with nothing said by the server (unreachable URL). */
  unreachable?(detail: string): void;
}

/** How to reach the room and how to open a socket. */
export interface ChatConnectionOptions {
  /** http(s) or ws(s) base URL of the service. */
  url: string;
  room: string;
  name?: string;
  /** How many stored messages to replay on the first join. */
  history?: number;
  /** A signed token (SPEC.md "Who is who"); the opener decides how it travels (header or `token` parameter). */
  token?: string;
  /** Opens a socket; `token`, when given, must reach the server with the upgrade request. */
  openSocket(url: string, protocol: string, token?: string): SocketLike;
  events?: ChatConnectionEvents;
  random?: () => number;
}

const OPEN = 1;

/** A chat session that survives disconnects: see the file comment. */
export class ChatConnection {
  readonly options: ChatConnectionOptions;
  readonly events: ChatConnectionEvents;
  /** The name the room gave this session (the server may pick a guest name). */
  you = "";
  /** The highest message id seen; the `since` of the next reconnect. */
  lastId = 0;
  limits: RoomLimits | null = null;
  #socket: SocketLike | null = null;
  #state: ConnectionState = { kind: "connecting", attempt: 0 };
  #attempt = 0;
  #welcomed = false;
  #everOpened = false;
  #online = new Set<string>();
  /** When the current socket last delivered a frame; a silent one is taken for dead. */
  #lastHeardAt = 0;
  readonly #outbox = new Outbox();
  /** Mirrors the room's per-session limit, so that a burst waits instead of being refused. */
  #pacer: Bucket | null = null;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #stopped = false;

  constructor(options: ChatConnectionOptions) {
    this.options = options;
    this.events = options.events ?? {};
  }

  /** The connection's current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Everyone in the room, each name once, sorted. */
  get online(): string[] {
    return [...this.#online].sort((a, b) => a.localeCompare(b));
  }

  /** Messages sent but not yet acknowledged by the room, oldest first. */
  get pending(): PendingMessage[] {
    return this.#outbox.pending;
  }

  /** Opens the first connection. */
  start(): void {
    this.#stopped = false;
    this.#open();
  }

  /** Queues `text`; it is sent now if connected, else once the connection is back. Returns its ref. */
  send(text: string): string {
    const ref = this.#newRef();
    this.#outbox.add(ref, text);
    this.events.pending?.(this.pending);
    this.#flush();
    return ref;
  }

  /** Closes for good: no reconnect follows. */
  stop(code: number = CloseCode.normal, reason = "bye"): void {
    this.#stopped = true;
    this.#clearTimers();
    this.#socket?.close(code, reason);
    this.#setState({ kind: "closed", code, reason });
  }

  #open(): void {
    const { url, room, name, history, token } = this.options;
    // Our own clients take batched frames: a busy room then sends fewer, larger frames.
    const params = this.#welcomed ? { name: this.you, since: this.lastId, batch: 1 } : { name, history, batch: 1 };
    this.#setState({ kind: "connecting", attempt: this.#attempt });
    let socket: SocketLike;
    try {
      socket = this.options.openSocket(roomSocketUrl(url, room, params).href, JSON_SUBPROTOCOL, token || undefined);
    } catch (error) {
      this.#setState({ kind: "closed", code: CloseCode.badRequest, reason: String(error) });
      return;
    }
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#everOpened = true;
    };
    socket.onmessage = (event) => {
      this.#lastHeardAt = Date.now();
      if (typeof event.data !== "string") return;
      for (const message of parseServerFrame(event.data)) this.#receive(message);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket === socket) this.#lost(event.code, event.reason, opened);
    };
  }

  /** The current socket is gone: give up for good, or wait and reconnect. */
  #lost(code: number, reason: string, opened: boolean): void {
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) socket.onclose = socket.onmessage = null;
    this.#stopHeartbeat();
    if (this.#stopped) return;
    if (!opened && !this.#everOpened && code === 1006) {
      this.events.unreachable?.(`cannot reach ${this.options.url}`);
      // The caller may have stopped for good on hearing it.
      if (this.#stopped) return;
    }
    // 4401/4403 among them: the same token would be refused again, so only the caller may retry.
    if (FINAL_CLOSE_CODES.has(code)) {
      this.#setState({ kind: "closed", code, reason });
      return;
    }
    // A full room or a flood close asks for patience, not a quick retry.
    const floor = PATIENCE_CLOSE_CODES.has(code) ? 5_000 : 0;
    const delay = reconnectDelay(this.#attempt, this.options.random, floor);
    this.#setState({ kind: "waiting", retryAt: Date.now() + delay, attempt: this.#attempt, code, reason });
    this.#attempt++;
    this.#later(delay, () => this.#open());
  }

  #receive(message: ServerMessage): void {
    switch (message.type) {
      case "welcome": {
        const resumed = this.#welcomed;
        this.#welcomed = true;
        this.#attempt = 0;
        this.you = message.you;
        this.limits = message.limits;
        this.#pacer = fullBucket(message.limits.burst, Date.now());
        this.#online = new Set(message.online);
        this.#setState({ kind: "connected" });
        this.events.welcome?.(message, resumed);
        // Ids that went backwards mean the room's storage was reset: start counting again.
        if (message.lastMessageId < this.lastId) this.lastId = 0;
        for (const stored of message.history) if (stored.type === "message") this.#deliver(stored);
        // Resume from the room's newest id even when nothing was replayed (history=0).
        this.lastId = Math.max(this.lastId, message.lastMessageId);
        // Whatever the room had not acknowledged goes again; its ref makes a repeat harmless.
        this.#outbox.resendAll();
        this.#startHeartbeat();
        this.#flush();
        return;
      }
      case "message":
        this.#deliver(message);
        // An acknowledgement may be what the next queued message waits for (see #flush).
        this.#flush();
        return;
      case "join":
        this.#online.add(message.name);
        this.events.join?.(message);
        return;
      case "leave": {
        if (!message.stillOnline) this.#online.delete(message.name);
        this.events.leave?.(message);
        return;
      }
      case "error":
        if (message.code === "rate_limited" && message.ref && this.#outbox.has(message.ref)) {
          // Refused for pace, not content: try again after a moment. Several refusals in a row
          // (a busy room) arrive oldest first, so each goes back in send order, not to the front.
          this.#outbox.retry(message.ref);
          this.#later(1000 / (this.limits?.perSecond ?? 1), () => this.#flush());
          return;
        }
        {
          // The error first: a caller that finishes once nothing is pending must know of it.
          const settled = message.ref !== undefined && this.#outbox.settle(message.ref);
          this.events.error?.(message);
          if (settled) this.events.pending?.(this.pending);
        }
        this.#flush();
        return;
      case "pong":
        return;
    }
  }

  #deliver(message: ChatMessage): void {
    // Settled even when already seen: a resend can be acknowledged with a copy this client
    // showed before it went away, and the outbox must not wait for it forever.
    const mine = message.ref !== undefined && this.#outbox.settle(message.ref);
    if (message.id > this.lastId) {
      this.lastId = message.id;
      this.events.message?.(message, mine);
    }
    if (mine) this.events.pending?.(this.pending);
  }

  #flush(): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN || !this.#welcomed || !this.#pacer) return;
    // The acknowledgement of each message calls #flush again for the next (see Outbox.next).
    for (let next = this.#outbox.next(); next !== null; next = this.#outbox.next()) {
      const { burst: capacity, perSecond } = this.limits ?? { burst: 1, perSecond: 1 };
      const wait = waitForTokens(this.#pacer, 1, { capacity, perSecond }, Date.now());
      if (wait > 0) {
        this.#later(wait, () => this.#flush());
        return;
      }
      this.#outbox.sent(next.ref);
      socket.send(JSON.stringify({ type: "message", text: next.text, ref: next.ref } satisfies ClientMessage));
    }
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    this.#lastHeardAt = Date.now();
    this.#heartbeat = setInterval(() => {
      const socket = this.#socket;
      if (socket?.readyState !== OPEN) return;
      // Every ping is answered, so two intervals of silence mean a half-open connection that
      // would otherwise show "connected" until TCP gives up, minutes later.
      if (Date.now() - this.#lastHeardAt > 2 * HEARTBEAT_INTERVAL_MS + 5_000) {
        socket.close(CloseCode.normal, "no answer to pings");
        this.#lost(1006, "no answer to pings", true);
        return;
      }
      socket.send(PING_FRAME);
    }, HEARTBEAT_INTERVAL_MS);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) run();
    }, ms);
    this.#timers.add(timer);
  }

  #clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#stopHeartbeat();
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.events.state?.(state);
  }

  #newRef(): string {
    const random = this.options.random ?? Math.random;
    let ref = "";
    for (let i = 0; i < 16; i++) ref += Math.floor(random() * 36).toString(36);
    return ref;
  }
}
