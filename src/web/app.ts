// The chat page's wiring: reads the name and room, runs one ChatConnection at a time and hands
// what it reports to the view. Bundled into public/app.js by `npm run build:web`.
//
// The page joins only once the person's name is known (remembered from an earlier visit, or
// entered with Enter or Join) or they choose to stay a guest: joining on load would announce a
// guest joining, and leaving again, to everyone in the room at every visit.

import { ChatConnection, type ConnectionState } from "../client/chat-connection.ts";
import { parseInput } from "../client/commands.ts";
import { describeSettings } from "../shared/frames.ts";
import { CloseCode, DEFAULT_HISTORY, type RoomSettings } from "../shared/protocol.ts";
import { checkName, isRoomName, utf8Length } from "../shared/rules.ts";
import { openBrowserSocket } from "./browser-socket.ts";
import { ChatView } from "./chat-view.ts";
import { Countdown } from "./countdown.ts";
import { Composer } from "./composer.ts";
import { byId, recall, remember } from "./dom.ts";
import { OwnRefs } from "./own-refs.ts";
import { runPageCommand } from "./page-commands.ts";
import { addressOfRoom, roomFromAddress } from "./room-address.ts";
import { pendingNote, refusalSentence, settingsSentence } from "./room-rules.ts";
import { refusalText, SignIn } from "./sign-in.ts";
import { statusLine } from "./status-text.ts";
import { TypingLine } from "./typing-line.ts";

const NAME_KEY = "edge-chat.name";
/** The rules before a room has said its own. */
const NO_RULES: RoomSettings = { slowMode: 0, readOnly: false };

const joinForm = byId("join", HTMLFormElement);
const nameField = byId("name", HTMLInputElement);
const roomField = byId("room", HTMLInputElement);
const joinProblem = byId("join-problem", HTMLElement);
const joinButton = byId("join-button", HTMLButtonElement);
const joinChoice = byId("join-choice", HTMLElement);
const joinAsGuest = byId("join-guest", HTMLButtonElement);
const copyLink = byId("copy-link", HTMLButtonElement);
const view = new ChatView({
  log: byId("log", HTMLElement),
  online: byId("online", HTMLUListElement),
  onlineCount: byId("online-count", HTMLElement),
  roomTitle: byId("room-title", HTMLElement),
  status: byId("status", HTMLElement),
  typing: byId("typing", HTMLElement),
});
const typingLine = new TypingLine((text) => view.typing(text));
const ownRefs = new OwnRefs();
// First, before anything can copy the address: a sign-in link's token leaves it at once.
const signIn = new SignIn(nameField);
const composer = new Composer(send, () => connection?.typing());

let connection: ChatConnection | null = null;
let joined = { room: "", name: "" };
const countdown = new Countdown();
let unread = 0;

/** Leaves the current room, if any, and joins `room` as `name` (empty: the room picks a guest name). */
function join(room: string, name: string): void {
  const unsent = connection?.pending.length ?? 0;
  const previousRoom = joined.room;
  connection?.stop();
  joined = { room, name };
  // Joined: the form is now for moving rooms or changing name, a quieter job.
  joinChoice.hidden = true;
  joinButton.classList.add("secondary");
  unread = 0;
  updateTitle();
  view.reset(room);
  typingLine.clear();
  composer.showRules(NO_RULES, false);
  if (unsent > 0) {
    // They were sent under the old room and name, so they are not carried over; say so rather than lose them quietly.
    view.notice(
      `${unsent} unsent message${unsent === 1 ? " was" : "s were"} not delivered to #${previousRoom}.`,
      "error",
    );
  }
  const current: ChatConnection = new ChatConnection({
    url: location.origin,
    room,
    name,
    history: DEFAULT_HISTORY,
    token: signIn.token,
    openSocket: openBrowserSocket,
    // A message typed under slow mode waits its turn, shown as pending, rather than being refused.
    paceSlowMode: true,
    events: {
      // A stopped connection may still report its last state; only the current one may draw.
      state: (state) => current === connection && showState(state),
      welcome: (welcome, resumed) => {
        if (current !== connection) return;
        if (welcome.truncated) {
          // On a resume this means messages sent while away were trimmed before we got back.
          const what = resumed ? "Some messages from while you were away" : "Older messages";
          view.notice(`${what} are no longer kept.`, "info");
        }
        if (nameField.value.trim() === "" && document.activeElement !== nameField) {
          // Keep the guest name the room picked, so a reload comes back as the same person.
          nameField.value = welcome.you;
          joined.name = welcome.you;
          remember(NAME_KEY, welcome.you);
        }
        view.online(current.online, current.you);
        const { user, role } = welcome;
        // Moderators delete any message, verified authors their own (SPEC.md "Moderation").
        view.deleteRules = {
          mayDelete: (message) => role === "moderator" || (user !== undefined && message.user === user),
          delete: (id) => deleteMessage(current, id),
        };
        composer.showRules(welcome.settings, role === "moderator");
      },
      message: (message, mine) => {
        if (current !== connection) return;
        typingLine.stopped(message.name);
        view.message(message, mine || ownRefs.has(message.ref));
        if (document.hidden) {
          unread++;
          updateTitle();
        }
      },
      join: (event) => {
        if (current !== connection) return;
        view.notice(`${event.name} joined`, "join", event.at);
        view.online(current.online, current.you);
      },
      leave: (event) => {
        if (current !== connection) return;
        if (!event.stillOnline) typingLine.stopped(event.name);
        view.notice(`${event.name} left`, "leave", event.at);
        view.online(current.online, current.you);
      },
      error: (error) => {
        if (current !== connection) return;
        if (error.ref === undefined || !view.refused(error.ref, error.message)) {
          view.notice(refusalSentence(error), "error");
        }
      },
      deleted: (event) => current === connection && view.deleted(event.target),
      typing: (event) => current === connection && typingLine.typing(event.name),
      settings: (event) => {
        if (current !== connection) return;
        view.notice(settingsSentence(describeSettings(event), event.name), "info");
        composer.showRules(event, current.identity.role === "moderator");
        showPendingNote();
      },
    },
  });
  connection = current;
  current.start();
}

function showState(state: ConnectionState): void {
  countdown.stop();
  const draw = (now: number) => view.status(statusLine(state, connection?.you ?? "", now));
  view.announceStatus(true);
  // The countdown of "reconnecting in 3 s" ticks down while the connection waits. A status
  // region is read out on every change, so only the first line of a wait is announced; the
  // ticking seconds stay on screen without a screen reader reciting each one.
  if (state.kind === "waiting") {
    countdown.start((now, first) => {
      view.announceStatus(first);
      draw(now);
    });
  } else draw(Date.now());
  showPendingNote();
  // Typing frames stop with the connection; names shown from before would linger.
  if (state.kind !== "connected") typingLine.clear();
  if (state.kind === "closed" && state.code !== CloseCode.normal) {
    const refused = refusalText(state.code, state.reason, joined.room);
    signIn.closed(state.code);
    view.notice(
      refused ??
        `Not connected: ${state.reason || `closed with code ${state.code}`}. Change the name or room and press Enter to try again.`,
      "error",
    );
  }
}

/** Says on every pending message why it waits, from the connection's state and the room's rules. */
function showPendingNote(): void {
  const connected = connection?.state.kind === "connected";
  view.pendingNote(pendingNote(connected, connection?.settings ?? NO_RULES, connection?.identity.role === "moderator"));
}

/** The checked Name and Room fields, or null after showing beside them what is wrong. */
function readFields(): { room: string; name: string } | null {
  const room = roomField.value.trim();
  const name = checkName(nameField.value);
  let problem = "";
  if (!isRoomName(room)) problem = "A room name is 1–64 letters A–Z, digits, _ or -, without spaces.";
  else if (!name.ok) problem = `That name won't work: ${name.error}.`;
  joinProblem.textContent = problem;
  roomField.setAttribute("aria-invalid", String(!isRoomName(room)));
  nameField.setAttribute("aria-invalid", String(!name.ok));
  if (!name.ok || !isRoomName(room)) {
    if (connection === null) view.status({ text: "offline", tone: "stopped" });
    return null;
  }
  return { room, name: name.value };
}

/** Checks the Name and Room fields and joins (an empty name: as a guest); a problem is shown beside them instead. */
function joinFromFields(): void {
  const fields = readFields();
  if (fields === null) return;
  const { room, name } = fields;
  nameField.value = name;
  roomField.value = room;
  if (!signIn.active) remember(NAME_KEY, name);
  if (room !== roomFromAddress(location)) history.pushState(null, "", addressOfRoom(room));
  const stillHere = connection !== null && connection.state.kind !== "closed";
  if (!stillHere || room !== joined.room || name !== joined.name) join(room, name);
  composer.field.focus();
}

/** A first visit: shows the room and how to join it, and waits for the person to choose. */
function awaitChoice(): void {
  const fields = readFields();
  if (fields === null) return;
  view.intro(fields.room, "Choose a name and press Join, or join as a guest.");
  view.status({ text: "offline · not joined yet", tone: "stopped" });
  nameField.focus();
}

/** The Delete button of message `id` was pressed on `on`'s page. */
function deleteMessage(on: ChatConnection, id: number): void {
  const sent = on.moderate({ type: "delete", target: id });
  if (!sent.ok) view.notice(`The message was not deleted: ${sent.reason}.`, "error");
  // The button goes with the message's text; keep the keyboard somewhere useful.
  composer.field.disabled ? view.elements.log.focus() : composer.field.focus();
}

function send(): void {
  const text = composer.field.value;
  if (text.trim() === "") return;
  const action = parseInput(text, "page");
  if (connection === null) {
    // Kept in the field: it goes once the person has joined and presses Enter again.
    composer.problem("Join the room first: choose a name above and press Join, or join as a guest.");
    return;
  }
  if (connection.state.kind === "closed") {
    composer.problem("Not connected to a room: fix the name or room above and press Enter.");
    return;
  }
  if (action.kind !== "send") {
    const outcome = runPageCommand(action, connection, view);
    if (outcome.clear) composer.field.value = "";
    if (outcome.problem === undefined) composer.resetHint();
    else composer.problem(outcome.problem);
    return;
  }
  const limit = connection.limits?.messageBytes;
  if (limit !== undefined && utf8Length(action.text, limit) > limit) {
    composer.problem(`That message is over ${limit} bytes; shorten it or split it in two.`);
    return;
  }
  const ref = connection.send(action.text);
  ownRefs.add(ref);
  view.pending(ref, connection.you || joined.name || "you", action.text);
  composer.field.value = "";
  composer.resetHint();
}

function updateTitle(): void {
  document.title = `${unread > 0 ? `(${unread}) ` : ""}#${joined.room} · edge-chat`;
}

joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  joinFromFields();
});

joinAsGuest.addEventListener("click", () => {
  // A guest is who joins with no name: the room picks one, which the welcome then remembers.
  nameField.value = "";
  joinFromFields();
});

copyLink.addEventListener("click", async () => {
  // The address is the invitation: anyone who opens it lands in this room.
  const link = new URL(addressOfRoom(joined.room || roomFromAddress(location)), location.href).href;
  try {
    await navigator.clipboard.writeText(link);
    copyLink.textContent = "Link copied";
  } catch {
    copyLink.textContent = "Copy it from the address bar";
  }
  setTimeout(() => (copyLink.textContent = "Copy link"), 2_500);
});

document.addEventListener("visibilitychange", () => {
  if (document.hidden) return;
  unread = 0;
  updateTitle();
});

// Back and forward move between rooms joined from this tab.
window.addEventListener("popstate", () => {
  roomField.value = roomFromAddress(location);
  if (connection === null) awaitChoice();
  else joinFromFields();
});

if (!signIn.active) nameField.value = recall(NAME_KEY) ?? "";
roomField.value = roomFromAddress(location);
if (nameField.value.trim() === "") awaitChoice();
else joinFromFields();
