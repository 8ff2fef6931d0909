// The reference server's SSE event store, one per session: what makes its streams resumable (a client
// whose connection dropped reconnects with GET + Last-Event-ID and gets what it missed, 2025-11-25
// transports, Resumability and Redelivery) and lets the SDK transport open every SSE stream with a
// priming event (an event id and empty data) carrying a `retry:` hint. Bounded: the last MAX_EVENTS
// events are kept; an id older than that cannot be resumed from (the GET is answered 400).
import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';

export const MAX_EVENTS = 1000;

export class SessionEventStore implements EventStore {
  private seq = 0;
  /** In the order stored, so the oldest goes first and "after this id" is the insertion order. */
  private readonly events = new Map<EventId, { streamId: StreamId; message: JSONRPCMessage }>();

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = `${streamId}_${++this.seq}`;
    this.events.set(id, { streamId, message });
    if (this.events.size > MAX_EVENTS) this.events.delete(this.events.keys().next().value!);
    return id;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.get(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const from = this.events.get(lastEventId);
    if (!from) throw new Error(`unknown event id ${lastEventId}`);
    let after = false;
    for (const [id, e] of [...this.events]) {
      if (id === lastEventId) {
        after = true;
        continue;
      }
      // A priming event stores an empty message: it carried no data, so there is nothing to replay.
      if (after && e.streamId === from.streamId && Object.keys(e.message).length > 0) await send(id, e.message);
    }
    return from.streamId;
  }
}
