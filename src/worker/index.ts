// The Worker's entry: every request goes through the route table; the room class is exported
// so that the runtime can find the Durable Object binding's class.

import { route } from "./router.ts";

export { ChatRoom } from "./room/chat-room.ts";

export default {
  fetch(request, env) {
    return route(request, env);
  },
} satisfies ExportedHandler<Env>;
