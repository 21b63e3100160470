// The one WebSocket test client, runtime-neutral: it keeps every frame with its arrival time,
// reads JSON server frames (batched arrays too) with the shared parser, and waits with timeouts
// that fail loudly, naming what was awaited and the last frames seen. Opening a socket is the
// job of a tiny opener per runtime beside it: node-socket.ts (`ws`) and workerd-socket.ts
// (`fetch` with an Upgrade header). This file uses nothing that Node and workerd do not both
// have, because test/tsconfig.json and test/worker/tsconfig.json both compile it.

import { parseServerFrame } from "../../src/shared/frames.ts";
import type { ClientMessage, ServerMessage } from "../../src/shared/protocol.ts";

/** How long a wait lasts when the caller names no timeout. */
export const DEFAULT_WAIT_MS = 10_000;

/** The close code and reason a socket ended with. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** One received frame (text as a string, binary as the runtime gives it) and its performance.now(). */
export interface Frame<Binary> {
  data: string | Binary;
  at: number;
}

/** What an opener hands the core: how its runtime's socket sends, closes and reports events. */
export interface Wire<Binary> {
  send(frame: string | Binary): void;
  close(code: number, reason: string): void;
  /** The subprotocol the server selected, once the handshake is done. */
  protocol(): string | null;
  /** Calls `onFrame` for every frame received and `onClose` once, when the socket has closed. */
  listen(onFrame: (data: string | Binary) => void, onClose: (close: CloseInfo) => void): void;
}

/** Options for a {@link TestSocket}. */
export interface TestSocketOptions {
  /** Names the socket in every error (its URL or path). */
  label: string;
  /** false: keep no frames (a long run counts them with `onFrame`); `next` and `messages` then see nothing. */
  record?: boolean;
}

/** A test's end of a WebSocket; `Raw` is the runtime's own socket, for faults only it can cause. */
export class TestSocket<Raw, Binary extends { byteLength: number }> {
  /** The runtime's socket. */
  readonly raw: Raw;
  /** Every frame so far, in arrival order; taking frames with `next` moves a cursor and keeps the list. */
  readonly frames: readonly Frame<Binary>[] = [];
  readonly #wire: Wire<Binary>;
  readonly #label: string;
  readonly #record: boolean;
  #cursor = 0;
  /** The rest of a batched frame whose first message `nextJson` returned. */
  #pending: ServerMessage[] = [];
  readonly #messages: ServerMessage[] = [];
  #parsedFrames = 0;
  #close: CloseInfo | null = null;
  readonly #waiters = new Set<() => void>();
  readonly #frameListeners: ((data: string | Binary, at: number) => void)[] = [];
  /** Frames of an unrecording socket that arrived before its first `onFrame` listener. */
  readonly #early: Frame<Binary>[] = [];
  readonly #closeListeners: ((close: CloseInfo) => void)[] = [];

  constructor(raw: Raw, wire: Wire<Binary>, options: TestSocketOptions) {
    this.raw = raw;
    this.#wire = wire;
    this.#label = options.label.length > 120 ? `${options.label.slice(0, 120)}…` : options.label;
    this.#record = options.record ?? true;
    wire.listen(
      (data) => this.#receive(data),
      (close) => this.#closed(close),
    );
  }

  /** The subprotocol the server selected in its 101, or null. */
  get protocol(): string | null {
    return this.#wire.protocol();
  }

  /** The close, once it happened. */
  closeEvent(): CloseInfo | null {
    return this.#close;
  }

  /**
   * Calls `listener` for every frame from now on, recorded or not. The first listener of an
   * unrecording socket also gets the frames that came before it: `ws` may deliver the first
   * frames before the code awaiting the open can subscribe.
   */
  onFrame(listener: (data: string | Binary, at: number) => void): void {
    this.#frameListeners.push(listener);
    for (const { data, at } of this.#early.splice(0)) listener(data, at);
  }

  /** Calls `listener` once the socket has closed, or at once when it has already. */
  onClose(listener: (close: CloseInfo) => void): void {
    if (this.#close !== null) listener(this.#close);
    else this.#closeListeners.push(listener);
  }

  /**
   * Resolves with what `ready` returns once that is neither undefined nor false, checked now and
   * after every frame. Rejects when `ready` throws, when the socket closes first, or after `timeoutMs`.
   */
  waitFor<T>(what: string, ready: () => T | false | undefined, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return this.#wait(what, ready, timeoutMs, false);
  }

  /** Waits until a text frame equal to `line` has arrived (the text framing's lines). */
  async waitForText(line: string, timeoutMs?: number): Promise<void> {
    await this.waitFor(JSON.stringify(line), () => this.frames.some((frame) => frame.data === line), timeoutMs);
  }

  /** Resolves with the close code and reason. */
  closed(timeoutMs = DEFAULT_WAIT_MS): Promise<CloseInfo> {
    return this.#wait("the close", () => this.#close ?? undefined, timeoutMs, true);
  }

  /** The next frame not yet taken. */
  next(timeoutMs?: number): Promise<string | Binary> {
    if (this.#pending.length > 0) {
      const problem = `${this.#pending.length} messages of a batched frame are not taken yet`;
      return Promise.reject(this.#failure(problem));
    }
    const take = () => {
      const frame = this.frames[this.#cursor];
      if (frame !== undefined) this.#cursor++;
      return frame?.data;
    };
    return this.waitFor("a frame", take, timeoutMs);
  }

  /** The next frame, which must be text. */
  async nextText(timeoutMs?: number): Promise<string> {
    const frame = await this.next(timeoutMs);
    if (typeof frame !== "string") throw new Error(`${this.#label}: expected a text frame, got ${describe(frame)}`);
    return frame;
  }

  /** The next JSON server message: the next frame's, or the next of the batched frame taken last. */
  nextJson(timeoutMs?: number): Promise<ServerMessage> {
    return this.waitFor("a frame", () => this.#takeJson(), timeoutMs);
  }

  /** The next JSON server message, which must be of `type`. */
  async nextOf<T extends ServerMessage["type"]>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const message = await this.nextJson(timeoutMs);
    if (message.type !== type) {
      throw new Error(`${this.#label}: expected a ${type} message, got ${describe(JSON.stringify(message))}`);
    }
    return message as Extract<ServerMessage, { type: T }>;
  }

  /** The next JSON server message of `type`, taking and passing over the messages of other types before it. */
  skipTo<T extends ServerMessage["type"]>(type: T, timeoutMs?: number): Promise<Extract<ServerMessage, { type: T }>> {
    const take = () => {
      for (let message = this.#takeJson(); message !== undefined; message = this.#takeJson()) {
        if (message.type === type) return message as Extract<ServerMessage, { type: T }>;
      }
      return undefined;
    };
    return this.waitFor(`a ${type} message`, take, timeoutMs);
  }

  /** Frames received and not yet taken with `next`. */
  unread(): (string | Binary)[] {
    return this.frames.slice(this.#cursor).map((frame) => frame.data);
  }

  /** Every JSON server message received so far, batched frames unpacked; other frames are left out. */
  messages(): readonly ServerMessage[] {
    // Parsed once each, as they are asked for: a long test holds tens of thousands of frames.
    for (; this.#parsedFrames < this.frames.length; this.#parsedFrames++) {
      const data = this.frames[this.#parsedFrames]!.data;
      if (typeof data === "string") this.#messages.push(...parseServerFrame(data));
    }
    return this.#messages;
  }

  /** Every text frame received so far. */
  texts(): string[] {
    return this.frames.flatMap((frame) => (typeof frame.data === "string" ? [frame.data] : []));
  }

  send(frame: string | Binary): void {
    this.#wire.send(frame);
  }

  /** Sends a client message of the JSON framing. */
  sendJson(message: ClientMessage): void {
    this.#wire.send(JSON.stringify(message));
  }

  /** A polite close that never throws: a test's cleanup must not fail on a socket already gone. */
  close(code = 1000, reason = "test done"): void {
    try {
      this.#wire.close(code, reason);
    } catch {}
  }

  /** Takes the next JSON server message if one has arrived; throws on a frame that holds none. */
  #takeJson(): ServerMessage | undefined {
    const waiting = this.#pending.shift();
    if (waiting !== undefined) return waiting;
    const frame = this.frames[this.#cursor];
    if (frame === undefined) return undefined;
    this.#cursor++;
    const [first, ...rest] = typeof frame.data === "string" ? parseServerFrame(frame.data) : [];
    if (first === undefined)
      throw new Error(`${this.#label}: expected a JSON server frame, got ${describe(frame.data)}`);
    this.#pending = rest;
    return first;
  }

  #receive(data: string | Binary): void {
    const at = performance.now();
    if (this.#record) (this.frames as Frame<Binary>[]).push({ data, at });
    else if (this.#frameListeners.length === 0) this.#early.push({ data, at });
    for (const listener of this.#frameListeners) listener(data, at);
    this.#wake();
  }

  #closed(close: CloseInfo): void {
    this.#close = close;
    for (const listener of this.#closeListeners) listener(close);
    this.#wake();
  }

  #wake(): void {
    for (const check of [...this.#waiters]) check();
  }

  #wait<T>(what: string, ready: () => T | false | undefined, timeoutMs: number, untilClosed: boolean): Promise<T> {
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        outcome();
      };
      const check = () => {
        let value: T | false | undefined;
        try {
          value = ready();
        } catch (error) {
          return finish(() => reject(error));
        }
        if (value !== undefined && value !== false) return finish(() => resolve(value));
        if (this.#close !== null && !untilClosed) {
          const { code, reason } = this.#close;
          finish(() => reject(this.#failure(`closed (${code} ${reason}) while waiting for ${what}`)));
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(this.#failure(`timed out after ${timeoutMs} ms waiting for ${what}`))),
        timeoutMs,
      );
      this.#waiters.add(check);
      check();
    });
  }

  #failure(problem: string): Error {
    const last = this.frames.slice(-5).map((frame) => describe(frame.data));
    return new Error(`${this.#label}: ${problem}; last frames: ${last.length === 0 ? "none" : last.join(", ")}`);
  }
}

function describe(data: string | { byteLength: number }): string {
  if (typeof data !== "string") return `a binary frame of ${data.byteLength} bytes`;
  return JSON.stringify(data.length > 200 ? `${data.slice(0, 200)}…` : data);
}
