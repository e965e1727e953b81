/** One Server-Sent Event. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Splits a Server-Sent Events byte stream into events (comments and heartbeats skipped).
 * Feed it the chunks as they come; it keeps partial lines between calls.
 */
export class SseParser {
  private buffer = "";
  private current: { id?: string; event?: string; data: string[] } = { data: [] };

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    let newline = this.buffer.indexOf("\n");
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, "");
      this.buffer = this.buffer.slice(newline + 1);
      if (line === "") {
        if (this.current.data.length > 0) {
          events.push({ ...this.current, data: this.current.data.join("\n") });
        }
        this.current = { data: [] };
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") this.current.data.push(value);
        else if (field === "id") this.current.id = value;
        else if (field === "event") this.current.event = value;
      }
      newline = this.buffer.indexOf("\n");
    }
    return events;
  }
}
