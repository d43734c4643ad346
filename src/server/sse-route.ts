// GET /api/events: live events as Server-Sent Events. Every connection starts with a `hello`
// (the page reloads its full state on every hello, so a reconnect never leaves it stale), then
// one `engine` message per event, and a comment line as heartbeat so proxies and the browser
// notice a dead connection. It must never send anything the JSON API would not.
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EventHub, HubEvent } from './event-hub.js';
import { withoutSecrets } from './request-input.js';

/** How often an idle stream sends a heartbeat comment. */
export const HEARTBEAT_MS = 15_000;
/** Browser reconnect delay suggested to EventSource. */
export const RETRY_MS = 1_000;

export function registerEvents(app: Hono, hub: EventHub, serverId: string, closing: AbortSignal): void {
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: HubEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = hub.subscribe((e) => {
        queue.push(e);
        wake?.();
      });
      const done = new Promise<void>((resolve) => {
        stream.onAbort(() => resolve());
        closing.addEventListener('abort', () => resolve(), { once: true });
      });
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ serverId }), retry: RETRY_MS });
        while (!stream.aborted && !closing.aborted) {
          while (queue.length > 0) {
            const e = queue.shift() as HubEvent;
            await stream.writeSSE({ event: 'engine', data: JSON.stringify(withoutSecrets(e)) });
          }
          const woke = await Promise.race([
            new Promise<'event'>((r) => (wake = () => r('event'))),
            new Promise<'tick'>((r) => setTimeout(() => r('tick'), HEARTBEAT_MS).unref()),
            done.then(() => 'done' as const),
          ]);
          wake = null;
          if (woke === 'done') break;
          if (woke === 'tick') await stream.write(': heartbeat\n\n');
        }
      } finally {
        unsubscribe();
      }
    }),
  );
}
