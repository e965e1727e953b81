import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { ApiClient } from "./api/api-client.js";
import type { Session } from "./session.js";

export interface ConsoleContext {
  api: ApiClient;
  session: Session;
  timeZone: string;
}

export const Console = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const value = useContext(Console);
  if (!value) throw new Error("useConsole() outside a signed-in console");
  return value;
}
