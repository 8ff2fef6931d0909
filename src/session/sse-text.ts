import type { EventSourceMessage } from 'eventsource-parser';

/** One parsed SSE event written out again, as the SDK's parser (eventsource-parser) will read it. */
export function sseText(e: EventSourceMessage): string {
  const id = e.id !== undefined ? `id: ${e.id}\n` : '';
  const type = e.event !== undefined ? `event: ${e.event}\n` : '';
  return `${id}${type}${e.data.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`;
}
