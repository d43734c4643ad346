// GET /api/events: live events as Server-Sent Events. Every connection starts with a `hello`
// (the page reloads its full state on every hello, so a reconnect never leaves it stale), then
// one `engine` message per event, and a comment line as heartbeat so proxies and the browser
// notice a dead connection. It must never send anything the JSON API would not.
// EventSource cannot send the Authorization header, so a page first asks for a single-use
// ticket (POST /api/events/ticket, with the token) and opens /api/events?ticket=… with it.
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EventHub, HubEvent } from './event-hub.js';
import { withoutSecrets } from './request-input.js';
import type { TicketBook } from './security.js';

/** How often an idle stream sends a heartbeat comment. */
export const HEARTBEAT_MS = 15_000;
/** Browser reconnect delay suggested to EventSource. */
export const RETRY_MS = 1_000;

export function registerEvents(app: Hono, hub: EventHub, serverId: string, closing: AbortSignal, tickets: TicketBook): void {
  app.post('/api/events/ticket', (c) => c.json(tickets.issue()));
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      // null in the queue is a heartbeat; one timer per stream, not one per event
      const queue: Array<HubEvent | null> = [];
      let wake: (() => void) | null = null;
      const push = (e: HubEvent | null) => {
        queue.push(e);
        wake?.();
      };
      const unsubscribe = hub.subscribe(push);
      const heartbeat = setInterval(() => push(null), HEARTBEAT_MS);
      const stop = () => wake?.();
      stream.onAbort(stop);
      closing.addEventListener('abort', stop, { once: true });
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ serverId }), retry: RETRY_MS });
        while (!stream.aborted && !closing.aborted) {
          const e = queue.shift();
          if (e === undefined) {
            await new Promise<void>((r) => (wake = r));
            wake = null;
          } else if (e === null) await stream.write(': heartbeat\n\n');
          else await stream.writeSSE({ event: 'engine', data: JSON.stringify(withoutSecrets(e)) });
        }
      } finally {
        clearInterval(heartbeat);
        closing.removeEventListener('abort', stop);
        unsubscribe();
      }
    }),
  );
}
