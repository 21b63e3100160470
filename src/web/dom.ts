// The few DOM helpers both pages share. Text always goes in through `textContent`, so nothing a
// user typed is ever parsed as HTML.

import { nameHash } from "../client/name-hash.ts";

/** The element with `id`, checked to be of `type`; throws when the HTML and the script disagree. */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) {
    throw new Error(`expected #${id} to be a ${type.name}, found ${found === null ? "nothing" : found.tagName}`);
  }
  return found;
}

/** A new element with an optional class and text (set as text, never as HTML). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className) created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}

/** A hue (0–359) derived from a name, so each person keeps one avatar colour on every screen. */
export function hueOf(name: string): number {
  return nameHash(name) % 360;
}

/** A round badge with the first letter of `name`; decorative, as the name is always written beside it. */
export function avatar(name: string): HTMLElement {
  const badge = element("span", "avatar", [...name][0]?.toUpperCase() ?? "?");
  badge.setAttribute("aria-hidden", "true");
  // Set through the CSSOM, which the Content-Security-Policy allows, unlike a style attribute.
  badge.style.setProperty("--hue", String(hueOf(name)));
  return badge;
}

/** Reads a remembered value; storage may be disabled (private windows, strict settings). */
export function recall(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Remembers a value if storage allows it; forgetting is harmless. */
export function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {}
}

/** Sends with the Send button or Enter in `field`; Shift+Enter keeps the textarea's own newline. */
export function wireComposer(form: HTMLFormElement, field: HTMLTextAreaElement, send: () => void): void {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send();
    field.focus();
  });
  field.addEventListener("keydown", (event) => {
    // While an input method is composing (Japanese, Chinese …), Enter confirms the composition
    // and must not send.
    if (
      event.key !== "Enter" ||
      event.shiftKey ||
      event.isComposing ||
      event.altKey ||
      event.ctrlKey ||
      event.metaKey
    ) {
      return;
    }
    event.preventDefault();
    send();
  });
}
