import type { Pool } from "undici";
import type { BenchStack } from "../bench-stack.js";

/** What every phase gets: the running stack and keep-alive pools to its HTTP services. */
export interface BenchContext {
  stack: BenchStack;
  intake: Pool;
  notifier: Pool;
  sandbox: Pool;
  /** Short id of this run, part of every orderNumber. */
  run: string;
  log: (line: string) => void;
  /** CPU time each of the stack's processes (and the bench) has used so far, in ms. */
  cpuMs: () => Record<string, number>;
}

/** A phase's result: what it pushed through, warm-up included, which its CPU figures are divided by. */
export interface CountedPhase {
  operations: number;
}

export const storeKey = "demo-key";
export const adminToken = "demo-admin";
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with `fallback` when `promise` has not settled after `ms`. */
export function withCap<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, cap]).finally(() => clearTimeout(timer));
}
