// The page's composer: the Message field, its Send button, the room's rules above them and
// the hint below. It sends with Enter or Send, tells the page while a message is being typed,
// shows problems in the hint, and shows slow mode and read-only before anyone types, disabled
// where this person may not post (a read-only room).

import { isMessageDraft } from "../client/commands.ts";
import type { RoomSettings } from "../shared/protocol.ts";
import { byId, wireComposer } from "./dom.ts";
import { mayPost, rulesText } from "./room-rules.ts";

const PLACEHOLDER = "Write a message…";

/** The Message field and what belongs to it. */
export class Composer {
  readonly field: HTMLTextAreaElement;
  readonly #send: HTMLButtonElement;
  readonly #hint: HTMLElement;
  readonly #rules: HTMLElement;
  readonly #defaultHint: string;

  /** Finds the composer in index.html; `send` runs on Enter or Send, `typing` whenever the field holds a half-typed message. */
  constructor(send: () => void, typing: () => void) {
    const form = byId("composer", HTMLFormElement);
    const field = (this.field = byId("message", HTMLTextAreaElement));
    this.#send = form.querySelector("button[type=submit]") as HTMLButtonElement;
    const hint = (this.#hint = byId("composer-hint", HTMLElement));
    this.#rules = byId("room-rules", HTMLElement);
    this.#defaultHint = hint.textContent ?? "";
    wireComposer(form, field, send);
    field.addEventListener("input", () => {
      this.resetHint();
      if (isMessageDraft(field.value)) typing();
    });
  }

  /** Shows `problem` under the field, in the problem tone. */
  problem(problem: string): void {
    this.#hint.textContent = problem;
    this.#hint.dataset.tone = "problem";
  }

  /** Back to the usual hint. */
  resetHint(): void {
    this.#hint.textContent = this.#defaultHint;
    delete this.#hint.dataset.tone;
  }

  /** Shows the room's rules above the field; in a read-only room only a moderator may write in it. */
  showRules(settings: RoomSettings, moderator: boolean): void {
    const rules = rulesText(settings, moderator);
    this.#rules.textContent = rules;
    this.#rules.hidden = rules === "";
    const allowed = mayPost(settings, moderator);
    this.field.disabled = this.#send.disabled = !allowed;
    this.field.placeholder = allowed ? PLACEHOLDER : "Only moderators can post here";
  }
}
