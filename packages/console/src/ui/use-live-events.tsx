import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { EventStream, type StreamState } from "../api/event-stream.js";
import type { PipelineEvent } from "../api/types.js";
import { useConsole } from "../context.js";

/** Follows the live event stream while the screen is shown; `onEvent` may change on every render. */
export function useLiveEvents(onEvent: (event: PipelineEvent) => void): StreamState {
  const { api } = useConsole();
  const [state, setState] = useState<StreamState>("connecting");
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  useEffect(() => {
    const stream = new EventStream(api, { onEvent: (event) => onEventRef.current(event), onState: setState });
    return () => stream.close();
  }, [api]);
  return state;
}

const words: Record<StreamState, string> = {
  live: "Live: changes appear as they happen.",
  connecting: "Connecting to live updates…",
  down: "Live updates unavailable, retrying.",
};

/** Says whether the screen follows the stream (and what it does instead, `fallback`, while it cannot). */
export function LiveStatus({ state, fallback }: { state: StreamState; fallback?: string }): JSX.Element {
  return (
    <p class={`live live-${state}`} role="status" data-testid="live-status">
      {words[state]}
      {state !== "live" && fallback ? ` ${fallback}` : ""}
    </p>
  );
}

