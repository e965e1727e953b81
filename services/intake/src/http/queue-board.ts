import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance } from "fastify";
import { type BoardAuthOptions, registerBoardAuth } from "./operator-auth.js";

export interface QueueBoardOptions extends Omit<BoardAuthOptions, "basePath"> {
  /**
   * The queues to show, on a connection of their own: the board's list and job queries must not
   * share (or fail fast with) the producer connection the payment routes depend on. The caller
   * owns and closes them.
   */
  queues: readonly Queue[];
  /**
   * Queues that come and go (the webhook delivery queues, one per subscription), read again
   * before each request to the board's API. The caller owns and closes them.
   */
  moreQueues?: () => Promise<readonly Queue[]>;
  /**
   * `BULL_BOARD_READ_ONLY` (default true): operators see every job but cannot retry, promote,
   * clean, pause or empty anything from the board (its API answers 405). A retried payment job
   * is the payer's decision, not a button's.
   */
  readOnly?: boolean;
  /** Default `/admin/queues`. */
  basePath?: string;
}

/** Bull Board (jobs per queue and state, retries, failures) behind operator tokens, its changes audited. */
export async function registerQueueBoard(app: FastifyInstance, options: QueueBoardOptions): Promise<void> {
  const basePath = options.basePath ?? "/admin/queues";
  const readOnlyMode = options.readOnly ?? true;
  const adapt = (queues: readonly Queue[]) => queues.map((q) => new BullMQAdapter(q, { readOnlyMode }));
  const serverAdapter = new FastifyAdapter().setBasePath(basePath);
  const board = createBullBoard({ queues: adapt(options.queues), serverAdapter });
  let shown = options.queues.map((q) => q.name).join("\n");
  const refresh = async () => {
    if (!options.moreQueues) return;
    const queues = [...options.queues, ...(await options.moreQueues())];
    const names = queues.map((q) => q.name).join("\n");
    if (names === shown) return;
    board.replaceQueues(adapt(queues));
    shown = names;
  };
  await app.register(
    async (admin) => {
      // Every board route, its static assets and its JSON API included.
      registerBoardAuth(admin, { auth: options.auth, audit: options.audit, basePath });
      admin.addHook("onRequest", async (request) => {
        if (request.url.startsWith(`${basePath}/api/`)) await refresh();
      });
      await admin.register(serverAdapter.registerPlugin());
    },
    { prefix: basePath },
  );
}
