// A join request, read once by the Worker from the URL and the upgrade's headers, and handed to
// the room in a header that only the Worker sets (a Durable Object is reachable only through it).

import type { Checked } from "../shared/checked.ts";
import type { Identity } from "../shared/access.ts";
import { BATCH_PARAM, CloseCode, DEFAULT_HISTORY } from "../shared/protocol.ts";
import { checkName, parseCount } from "../shared/rules.ts";
import { offersJsonFraming } from "./upgrade.ts";

/** The header that carries a checked {@link JoinRequest} from the Worker to the room. */
const JOIN_HEADER = "x-edge-chat-join";

/** What a client asked for when it joined, checked. */
export interface JoinRequest {
  room: string;
  /** The path as the client wrote it, for the log. */
  path: string;
  /** Checked and normalised; empty when the server must pick a guest name. */
  name: string;
  /** Replay every stored event after this id (wins over `history`). */
  since: number | null;
  /** Replay the newest this many events; larger than the room keeps is allowed (see History.latest). */
  history: number;
  /** The client speaks the JSON framing (`chat.v1.json`). */
  json: boolean;
  /** The JSON client opted into batched frames (`batch=1`). */
  batch: boolean;
  ip: string;
  /** Who the session is, verified by the Worker from a signed token; absent for a guest. */
  identity?: Identity;
  /** Set by the room's sequencer when it hands the join to one of its shards. */
  shard?: number;
}

/** Why a join is refused: the close code and reason the socket gets. */
export interface JoinRefusal {
  code: number;
  reason: string;
}

/** Reads the query of a join to `room` (`name`, `history`, `since`, `batch`) into checked values. */
export function parseJoinRequest(request: Request, url: URL, room: string): Checked<JoinRequest, JoinRefusal> {
  const bad = (reason: string) => ({ ok: false as const, error: { code: CloseCode.badRequest, reason } });
  const name = checkName(url.searchParams.get("name") ?? "");
  if (!name.ok) return bad(name.error);
  const since = optionalCount(url, "since");
  if (!since.ok) return bad(since.error);
  const history = optionalCount(url, "history");
  if (!history.ok) return bad(history.error);
  const rawBatch = url.searchParams.get(BATCH_PARAM);
  if (rawBatch !== null && rawBatch !== "0" && rawBatch !== "1") {
    return bad(`batch must be 0 or 1, got ${JSON.stringify(rawBatch.slice(0, 40))}`);
  }
  const json = offersJsonFraming(request);
  return {
    ok: true,
    value: {
      room,
      path: url.pathname,
      name: name.value,
      since: since.value,
      history: history.value ?? DEFAULT_HISTORY,
      json,
      batch: json && rawBatch === "1",
      ip: request.headers.get("cf-connecting-ip") ?? "unknown",
    },
  };
}

/** The headers of a client's upgrade that the room reads besides the join: its framing and address. */
const PASSED_HEADERS = ["sec-websocket-protocol", "cf-connecting-ip"];

/**
 * The request to hand the room: the client's upgrade, with the checked join in {@link JOIN_HEADER}.
 * Only the headers the room reads are passed on, so only the Worker's own join value arrives
 * (and copying every header of the upgrade cost more than the rest of the hand-off).
 */
export function withJoinRequest(request: Request, join: JoinRequest): Request {
  // Header values are bytes, and names need not be ASCII: percent-encoded keeps them exact.
  const headers: Record<string, string> = {
    upgrade: "websocket",
    [JOIN_HEADER]: encodeURIComponent(JSON.stringify(join)),
  };
  for (const name of PASSED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return new Request(request.url, { headers });
}

/** The join the Worker handed the room, or null for a request that did not come through the router. */
export function readJoinRequest(request: Request): JoinRequest | null {
  const header = request.headers.get(JOIN_HEADER);
  return header === null ? null : (JSON.parse(decodeURIComponent(header)) as JoinRequest);
}

function optionalCount(url: URL, label: string): Checked<number | null> {
  const raw = url.searchParams.get(label);
  return raw === null ? { ok: true, value: null } : parseCount(raw, label);
}
