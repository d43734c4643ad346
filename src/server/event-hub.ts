// Fan-out of live events to the open pages: engine events plus the server's own (batch and
// restore progress). Listeners that throw are dropped, never allowed to break a run.
export type HubEvent = { type: string } & Record<string, unknown>;
export type HubListener = (e: HubEvent) => void;

export class EventHub {
  private readonly listeners = new Set<HubListener>();

  subscribe(fn: HubListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  publish(e: HubEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(e);
      } catch {
        this.listeners.delete(fn);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
