// The reconnecting JSON-framing client shared by the browser page and the terminal client.
// It owns what makes a chat client trustworthy: resume with `since` so nothing is missed or
// shown twice, an outbox whose messages carry a `ref` so a resend never duplicates, pacing
// to the room's limits (sender.ts), heartbeats, and jittered backoff. It knows no DOM and no
// Node API: the caller hands it a way to open a socket.

import {
  FINAL_CLOSE_CODES,
  JSON_SUBPROTOCOL,
  PATIENCE_CLOSE_CODES,
  CloseCode,
  type ChatMessage,
  type ErrorMessage,
  type Role,
  type RoomLimits,
  type RoomSettings,
  type ServerMessage,
  type StoredEvent,
  type WelcomeMessage,
} from "../shared/protocol.ts";
import { parseServerFrame } from "../shared/frames.ts";
import { reconnectDelay } from "./backoff.ts";
import { Heartbeat } from "./heartbeat.ts";
import { OnlineNames } from "./online-names.ts";
import type { PendingMessage } from "./outbox.ts";
import { Sender, type ModerationRequest, type SendOutcome } from "./sender.ts";
import type { SocketLike } from "./socket-like.ts";
import { Timers } from "./timers.ts";
import { roomSocketUrl } from "./socket-url.ts";

import type { ChatConnectionEvents, ChatConnectionOptions, ConnectionState } from "./connection-types.ts";

export type { ChatConnectionEvents, ChatConnectionOptions, ConnectionState, PendingMessage, SocketLike };
export type { ModerationRequest, SendOutcome };

/** A chat session that survives disconnects: see the file comment. */
export class ChatConnection {
  readonly options: ChatConnectionOptions;
  readonly events: ChatConnectionEvents;
  #you = "";
  #lastId = 0;
  #limits: RoomLimits | null = null;
  #settings: RoomSettings = { slowMode: 0, readOnly: false };
  #identity: { user?: string; role?: Role } = {};
  #socket: SocketLike | null = null;
  /** The `since` the current socket resumed from; null for a first join. */
  #resumedFrom: number | null = null;
  #state: ConnectionState = { kind: "connecting", attempt: 0 };
  #attempt = 0;
  #welcomed = false;
  #everOpened = false;
  readonly #online = new OnlineNames();
  readonly #sender: Sender;
  readonly #heartbeat = new Heartbeat();
  readonly #timers = new Timers();
  #stopped = false;

  constructor(options: ChatConnectionOptions) {
    this.options = options;
    this.events = options.events ?? {};
    this.#sender = new Sender({ ...options, later: (ms, run) => this.#later(ms, run) });
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

  /** The room's moderation settings, from the latest welcome or settings event. */
  get settings(): RoomSettings {
    return { ...this.#settings };
  }

  /** The verified user id and role the room gave this session; empty for a guest. */
  get identity(): { user?: string; role?: Role } {
    return { ...this.#identity };
  }

  /** The connection's current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Everyone in the room, each name once, sorted. */
  get online(): string[] {
    return this.#online.sorted;
  }

  /** Messages sent but not yet acknowledged by the room, oldest first. */
  get pending(): PendingMessage[] {
    return this.#sender.pending;
  }

  /** Opens the first connection. */
  start(): void {
    this.#stopped = false;
    this.#open();
  }

  /** Queues `text`; it is sent now if connected, else once the connection is back. Returns its ref. */
  send(text: string): string {
    const ref = this.#sender.queue(text);
    this.events.pending?.(this.pending);
    return ref;
  }

  /** Says this person is typing: at most once per TYPING_INTERVAL_MS, and only while connected (see Sender). */
  typing(): boolean {
    return this.#sender.typing();
  }

  /** Sends a moderation request if connected; refused, not queued, while offline. Its refusals arrive as `error` events. */
  moderate(request: ModerationRequest): SendOutcome {
    return this.#sender.moderate(request);
  }

  /** Closes for good: no reconnect follows. */
  stop(code: number = CloseCode.normal, reason = "bye"): void {
    this.#stopped = true;
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
    this.#sender.detach();
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
        return this.#deliver(message);
      case "join":
        this.#online.apply(message);
        return this.events.join?.(message);
      case "leave":
        this.#online.apply(message);
        return this.events.leave?.(message);
      case "delete":
        return this.#stored(message);
      case "error":
        return this.#refused(message);
      case "settings":
        this.#settings = { slowMode: message.slowMode, readOnly: message.readOnly };
        this.#sender.settingsChanged(this.#settings);
        return this.events.settings?.(message);
      case "typing":
        return this.events.typing?.(message);
      case "presence":
        this.#online.apply(message);
        return this.events.presence?.(message);
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
    this.#settings = { ...message.settings };
    this.#identity = message.user === undefined ? {} : { user: message.user, role: message.role ?? "member" };
    this.#online.reset(message.online);
    this.#setState({ kind: "connected" });
    this.events.welcome?.(message, resumed);
    for (const stored of message.history) this.#stored(stored);
    this.events.replayed?.(message, resumed);
    // Resume from the room's newest id even when nothing was replayed (history=0).
    this.#lastId = Math.max(this.#lastId, message.lastMessageId);
    this.#heartbeat.start(socket, () => {
      socket.close(CloseCode.normal, "no answer to pings");
      if (this.#socket === socket) this.#lost(1006, "no answer to pings", true);
    });
    this.#sender.attach(socket, message.limits, this.#settings, this.#identity.role === "moderator");
  }

  // The room's newest id is below our `since`: its storage was reset and it numbers from 1
  // again, so its replay after `since` would hide messages 1..lastMessageId. Join again from the
  // start, once this socket has closed, so that the others see us leave before we come back.
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
    if (this.#sender.retryIfPaced(error)) return;
    // The error first: a caller that finishes once nothing is pending must know of it.
    const settled = error.ref !== undefined && this.#sender.settle(error.ref, false);
    this.events.error?.(error);
    if (settled) this.events.pending?.(this.pending);
  }

  #deliver(message: ChatMessage): void {
    // Settled even when already seen: a resend can be acknowledged with a copy this client
    // showed before it went away, and the outbox must not wait for it forever.
    const mine = message.ref !== undefined && this.#sender.settle(message.ref, true);
    if (message.id > this.#lastId) {
      this.#lastId = message.id;
      this.events.message?.(message, mine);
    }
    if (mine) this.events.pending?.(this.pending);
  }

  #later(ms: number, run: () => void): void {
    this.#timers.later(ms, () => this.#stopped || run());
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.events.state?.(state);
  }
}
