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
  /** Default `/admin/queues`. */
  basePath?: string;
}

/** Bull Board (jobs per queue and state, retries, failures) behind operator tokens, its changes audited. */
export async function registerQueueBoard(app: FastifyInstance, options: QueueBoardOptions): Promise<void> {
  const basePath = options.basePath ?? "/admin/queues";
  const serverAdapter = new FastifyAdapter().setBasePath(basePath);
  createBullBoard({ queues: options.queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  await app.register(
    async (admin) => {
      // Every board route, its static assets and its JSON API included.
      registerBoardAuth(admin, { auth: options.auth, audit: options.audit, basePath });
      await admin.register(serverAdapter.registerPlugin());
    },
    { prefix: basePath },
  );
}
