// The reconnecting JSON-framing client shared by the browser page and the terminal client.
// It owns what makes a chat client trustworthy: resume with `since` so nothing is missed or
// shown twice, an outbox whose messages carry a `ref` so a resend never duplicates, pacing
// to the room's limits, heartbeats, and jittered backoff. It knows no DOM and no Node API:
// the caller hands it a way to open a socket.

import {
  FINAL_CLOSE_CODES,
  JSON_SUBPROTOCOL,
  PATIENCE_CLOSE_CODES,
  CloseCode,
  type ChatMessage,
  type ClientMessage,
  type ErrorMessage,
  type RoomLimits,
  type ServerMessage,
  type StoredEvent,
  type WelcomeMessage,
} from "../shared/protocol.ts";
import { parseServerFrame } from "../shared/frames.ts";
import { fullBucket, waitForTokens, type Bucket } from "../shared/token-bucket.ts";
import { reconnectDelay } from "./backoff.ts";
import { Heartbeat } from "./heartbeat.ts";
import { Outbox, randomRef, type PendingMessage } from "./outbox.ts";
import { SOCKET_OPEN, type SocketLike } from "./socket-like.ts";
import { roomSocketUrl } from "./socket-url.ts";

import type { ChatConnectionEvents, ChatConnectionOptions, ConnectionState } from "./connection-types.ts";

export type { ChatConnectionEvents, ChatConnectionOptions, ConnectionState, PendingMessage, SocketLike };

/** A chat session that survives disconnects: see the file comment. */
export class ChatConnection {
  readonly options: ChatConnectionOptions;
  readonly events: ChatConnectionEvents;
  #you = "";
  #lastId = 0;
  #limits: RoomLimits | null = null;
  #socket: SocketLike | null = null;
  /** The `since` the current socket resumed from; null for a first join. */
  #resumedFrom: number | null = null;
  #state: ConnectionState = { kind: "connecting", attempt: 0 };
  #attempt = 0;
  #welcomed = false;
  #everOpened = false;
  #online = new Set<string>();
  readonly #outbox = new Outbox();
  /** Mirrors the room's per-session limit, so that a burst waits instead of being refused. */
  #pacer: Bucket | null = null;
  readonly #heartbeat = new Heartbeat();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #stopped = false;

  constructor(options: ChatConnectionOptions) {
    this.options = options;
    this.events = options.events ?? {};
  }

  /** The name the room gave this session (the server may pick a guest name); empty before the first welcome. */
  get you(): string {
    return this.#you;
  }

  /** The highest message id seen; the `since` of the next reconnect. */
  get lastId(): number {
    return this.#lastId;
  }

  /** The room's limits, from the latest welcome; null before the first. */
  get limits(): RoomLimits | null {
    return this.#limits;
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
    const ref = randomRef(this.options.random);
    this.#outbox.add(ref, text);
    this.events.pending?.(this.pending);
    this.#flush();
    return ref;
  }

  /** Closes for good: no reconnect follows. */
  stop(code: number = CloseCode.normal, reason = "bye"): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#heartbeat.stop();
    this.#socket?.close(code, reason);
    this.#setState({ kind: "closed", code, reason });
  }

  #open(): void {
    const { url, room, name, history, token } = this.options;
    this.#resumedFrom = this.#welcomed ? this.#lastId : null;
    // Our own clients take batched frames: a busy room then sends fewer, larger frames.
    const params = this.#welcomed ? { name: this.#you, since: this.#lastId, batch: 1 } : { name, history, batch: 1 };
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
      this.#heartbeat.heard();
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
    this.#heartbeat.stop();
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
      case "welcome":
        return this.#welcome(message);
      case "message":
        this.#deliver(message);
        // An acknowledgement may be what the next queued message waits for (see #flush).
        this.#flush();
        return;
      case "join":
        this.#online.add(message.name);
        this.events.join?.(message);
        return;
      case "leave":
        if (!message.stillOnline) this.#online.delete(message.name);
        this.events.leave?.(message);
        return;
      case "delete":
        return this.#stored(message);
      case "error":
        return this.#refused(message);
      case "settings":
        this.events.settings?.(message);
        return;
      case "typing":
        this.events.typing?.(message);
        return;
      case "presence":
        for (const name of message.joined) this.#online.add(name);
        for (const name of message.left) this.#online.delete(name);
        this.events.presence?.(message);
        return;
      case "pong":
        return;
    }
  }

  /** A stored event, live or replayed: messages and deletions share the room's ids. */
  #stored(event: StoredEvent): void {
    if (event.type === "message") return this.#deliver(event);
    if (event.id <= this.#lastId) return;
    this.#lastId = event.id;
    this.events.deleted?.(event);
  }

  #welcome(message: WelcomeMessage): void {
    const socket = this.#socket;
    if (socket === null) return;
    if (this.#resumedFrom !== null && message.lastMessageId < this.#resumedFrom) {
      this.#rejoinFromStart(socket);
      return;
    }
    const resumed = this.#welcomed;
    this.#welcomed = true;
    this.#attempt = 0;
    this.#you = message.you;
    this.#limits = message.limits;
    this.#pacer = fullBucket(message.limits.burst, Date.now());
    this.#online = new Set(message.online);
    this.#setState({ kind: "connected" });
    this.events.welcome?.(message, resumed);
    for (const stored of message.history) this.#stored(stored);
    // Resume from the room's newest id even when nothing was replayed (history=0).
    this.#lastId = Math.max(this.#lastId, message.lastMessageId);
    // Whatever the room had not acknowledged goes again; its ref makes a repeat harmless.
    this.#outbox.resendAll();
    this.#heartbeat.start(socket, () => {
      socket.close(CloseCode.normal, "no answer to pings");
      if (this.#socket === socket) this.#lost(1006, "no answer to pings", true);
    });
    this.#flush();
  }

  /**
   * The room's newest id is below the `since` this socket resumed from: its storage was reset
   * (a new local state folder, a recreated object) and it numbers from 1 again. Its replay after
   * `since` is empty, so its messages 1..lastMessageId would never be shown: join again from
   * the start. The new socket opens once this one has closed, so that the others see this
   * session leave before it comes back rather than the other way round.
   */
  #rejoinFromStart(socket: SocketLike): void {
    this.#lastId = 0;
    socket.onmessage = null;
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (!this.#stopped) this.#open();
    };
    socket.close(CloseCode.normal, "room was reset; joining again from its first message");
  }

  #refused(error: ErrorMessage): void {
    if (error.code === "rate_limited" && error.ref && this.#outbox.has(error.ref)) {
      // Refused for pace, not content: try again after a moment. Several refusals in a row
      // (a busy room) arrive oldest first, so each goes back in send order, not to the front.
      this.#outbox.retry(error.ref);
      this.#later(1000 / (this.#limits?.perSecond ?? 1), () => this.#flush());
      return;
    }
    // The error first: a caller that finishes once nothing is pending must know of it.
    const settled = error.ref !== undefined && this.#outbox.settle(error.ref);
    this.events.error?.(error);
    if (settled) this.events.pending?.(this.pending);
    this.#flush();
  }

  #deliver(message: ChatMessage): void {
    // Settled even when already seen: a resend can be acknowledged with a copy this client
    // showed before it went away, and the outbox must not wait for it forever.
    const mine = message.ref !== undefined && this.#outbox.settle(message.ref);
    if (message.id > this.#lastId) {
      this.#lastId = message.id;
      this.events.message?.(message, mine);
    }
    if (mine) this.events.pending?.(this.pending);
  }

  #flush(): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== SOCKET_OPEN || !this.#welcomed || !this.#pacer) return;
    // The acknowledgement of each message calls #flush again for the next (see Outbox.next).
    for (let next = this.#outbox.next(); next !== null; next = this.#outbox.next()) {
      const { burst: capacity, perSecond } = this.#limits ?? { burst: 1, perSecond: 1 };
      const wait = waitForTokens(this.#pacer, 1, { capacity, perSecond }, Date.now());
      if (wait > 0) {
        this.#later(wait, () => this.#flush());
        return;
      }
      this.#outbox.sent(next.ref);
      socket.send(JSON.stringify({ type: "message", text: next.text, ref: next.ref } satisfies ClientMessage));
    }
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) run();
    }, ms);
    this.#timers.add(timer);
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.events.state?.(state);
  }
}
