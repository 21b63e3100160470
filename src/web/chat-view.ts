// Everything the chat page draws: the message log (deleted messages and Delete buttons
// included), notices, the pending outbox, the online list, who is typing and the status line. It knows nothing about sockets; app.ts feeds it what the connection reports.

import type { ChatMessage } from "../shared/protocol.ts";
import { avatar, element } from "./dom.ts";
import type { StatusLine } from "./status-text.ts";

/** The elements of index.html that the view draws into. */
export interface ChatViewElements {
  log: HTMLElement;
  online: HTMLUListElement;
  onlineCount: HTMLElement;
  roomTitle: HTMLElement;
  status: HTMLElement;
  /** "NAME is typing…", under the log. */
  typing: HTMLElement;
}

/** What the view is told about who may delete what, and where a Delete press goes. */
export interface DeleteRules {
  /** Whether this person may delete `message`. */
  mayDelete(message: ChatMessage): boolean;
  /** The Delete button of message `id` was pressed. */
  delete(id: number): void;
}

/** The text a deleted message's bubble shows instead of its text. */
export const DELETED_TEXT = "message deleted";

/** The kinds of one-line notices in the log. */
export type NoticeKind = "join" | "leave" | "info" | "error" | "help";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });

// How close to the bottom (in pixels) still counts as "reading the latest", so new lines scroll in.
const STICKY_BOTTOM_PX = 48;

/** Draws the chat page; see the file comment. */
export class ChatView {
  readonly elements: ChatViewElements;
  /** Own messages not yet acknowledged, by ref, in the order they were sent; always last in the log. */
  #pending = new Map<string, HTMLElement>();
  #pendingNote = "sending…";
  #lastDay = "";
  #empty: HTMLElement | null = null;
  /** Who may delete what; set by app.ts once the room has said who this person is. */
  deleteRules: DeleteRules | null = null;

  constructor(elements: ChatViewElements) {
    this.elements = elements;
  }

  /** Empties the log for a freshly joined room. */
  reset(room: string): void {
    this.intro(room, "No messages yet. Say hello, or share this page's address to invite someone.");
  }

  /** Empties the log and shows `text` in it until the first message, under the title `room`. */
  intro(room: string, text: string): void {
    this.elements.log.replaceChildren();
    this.#pending.clear();
    this.#lastDay = "";
    this.elements.roomTitle.textContent = room;
    this.typing("");
    this.#empty = element("p", "empty", text);
    this.elements.log.append(this.#empty);
    this.online([], "");
  }

  /** Shows a stored message; an own message replaces its pending copy. */
  message(message: ChatMessage, mine: boolean): void {
    const pending = message.ref === undefined ? undefined : this.#pending.get(message.ref);
    if (pending !== undefined) {
      pending.remove();
      this.#pending.delete(message.ref!);
    }
    const item = this.#bubble(message.name, message.text, mine);
    item.dataset.id = String(message.id);
    const meta = item.querySelector(".meta")!;
    meta.append(timeElement(message.at));
    if (message.deleted) this.#markDeleted(item);
    else if (this.deleteRules?.mayDelete(message)) {
      const button = element("button", "delete link", "Delete");
      button.type = "button";
      button.addEventListener("click", () => this.deleteRules?.delete(message.id));
      meta.append(button);
    }
    this.#insert(item, message.at, mine);
  }

  /** Message `id` was deleted: its text goes and "message deleted" stands in its place. */
  deleted(id: number): void {
    const item = this.elements.log.querySelector<HTMLElement>(`article[data-id="${id}"]`);
    if (item !== null) this.#markDeleted(item);
  }

  /** Shows who else is typing ("bob is typing…"), or nothing. */
  typing(text: string): void {
    if (this.elements.typing.textContent !== text) this.elements.typing.textContent = text;
  }

  /** Shows an own message that the room has not acknowledged yet, below everything else. */
  pending(ref: string, name: string, text: string): void {
    const item = this.#bubble(name, text, true);
    item.classList.add("pending");
    item.querySelector(".meta")!.append(element("span", "state", this.#pendingNote));
    this.#clearEmpty();
    this.elements.log.append(item);
    this.#pending.set(ref, item);
    this.#scrollToEnd();
  }

  /** Says, on every pending message, why it waits ("sending…", "waiting for the connection"). */
  pendingNote(note: string): void {
    this.#pendingNote = note;
    for (const item of this.#pending.values()) item.querySelector(".state")!.textContent = note;
  }

  /** Marks a pending message as refused by the room, with the room's reason. */
  refused(ref: string, reason: string): boolean {
    const item = this.#pending.get(ref);
    if (item === undefined) return false;
    this.#pending.delete(ref);
    item.classList.replace("pending", "refused");
    item.querySelector(".state")!.textContent = `not sent: ${reason}`;
    return true;
  }

  /** A one-line notice: someone joined or left, a note from the room, an error. */
  notice(text: string, kind: NoticeKind, at: number = Date.now()): void {
    const item = element("p", `notice ${kind}`);
    item.append(element("span", "notice-text", text), timeElement(at));
    this.#insert(item, at, kind === "error");
  }

  /** Redraws the online list; `you` is marked. */
  online(names: readonly string[], you: string): void {
    const items = names.map((name) => {
      const item = element("li");
      item.append(avatar(name), element("span", "person", name));
      if (name === you) item.append(element("span", "you", "you"));
      return item;
    });
    this.elements.online.replaceChildren(...items);
    this.elements.onlineCount.textContent = names.length === 0 ? "" : String(names.length);
  }

  /** Whether changes of the status line are read out (`aria-live` polite) or only shown. */
  announceStatus(announce: boolean): void {
    this.elements.status.setAttribute("aria-live", announce ? "polite" : "off");
  }

  /** Updates the status line. */
  status(line: StatusLine): void {
    if (this.elements.status.textContent !== line.text) this.elements.status.textContent = line.text;
    this.elements.status.dataset.tone = line.tone;
    // Who is online is only known while connected; dim the last known list otherwise.
    this.elements.online.classList.toggle("stale", line.tone !== "ok");
  }

  #markDeleted(item: HTMLElement): void {
    item.classList.add("deleted");
    item.querySelector(".text")!.textContent = DELETED_TEXT;
    item.querySelector(".delete")?.remove();
  }

  #bubble(name: string, text: string, mine: boolean): HTMLElement {
    const item = element("article", mine ? "message mine" : "message");
    const meta = element("header", "meta");
    meta.append(element("span", "name", name));
    if (mine) meta.append(element("span", "you", "you"));
    const body = element("div", "body");
    body.append(meta, element("p", "text", text));
    item.append(avatar(name), body);
    return item;
  }

  /** Puts an item in room order: after everything shown, before the pending outbox. */
  #insert(item: HTMLElement, at: number, forceScroll: boolean): void {
    const log = this.elements.log;
    const follow = forceScroll || log.scrollHeight - log.scrollTop - log.clientHeight < STICKY_BOTTOM_PX;
    this.#clearEmpty();
    const before = this.#pending.values().next().value ?? null;
    const day = dayKey(at);
    if (day !== this.#lastDay) {
      this.#lastDay = day;
      log.insertBefore(element("p", "day", dayLabel(at)), before);
    }
    log.insertBefore(item, before);
    if (follow) this.#scrollToEnd();
  }

  #clearEmpty(): void {
    this.#empty?.remove();
    this.#empty = null;
  }

  #scrollToEnd(): void {
    this.elements.log.scrollTop = this.elements.log.scrollHeight;
  }
}

function timeElement(at: number): HTMLTimeElement {
  const date = new Date(at);
  const time = element("time", "time", timeFormat.format(date));
  time.dateTime = date.toISOString();
  time.title = fullFormat.format(date);
  return time;
}

function dayKey(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

function dayLabel(at: number): string {
  const today = new Date();
  if (dayKey(at) === dayKey(today.getTime())) return "Today";
  today.setDate(today.getDate() - 1);
  if (dayKey(at) === dayKey(today.getTime())) return "Yesterday";
  return dayFormat.format(new Date(at));
}
