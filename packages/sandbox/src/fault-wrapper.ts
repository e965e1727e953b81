import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FormFields } from "./field-rules.js";
import type { Faults } from "./faults.js";
import type { SandboxEndpoint, SandboxMetrics, SandboxRequestOutcome } from "./sandbox-metrics.js";

export const xmlContentType = "application/xml; charset=utf-8";

/** Processes a protocol request and returns the XML answer. It may take a charge: it runs once. */
export type ProtocolHandler = (fields: FormFields) => string;

/**
 * Wraps protocol endpoints in the transport faults. Order per request: latency, then `errorRate`
 * (answer 500 *before* processing: nothing happens), then the handler runs, then `timeoutRate`
 * (never answer) or `resetAfterChargeRate` (reset the connection) withhold its answer — the
 * charge is taken either way, which is exactly what a client must survive. Rolls are made in that
 * order (a pay handler rolls `badSignatureRate` in between) so a deterministic random decides
 * them predictably; a zero rate draws nothing.
 */
export class FaultWrapper {
  /** Connections held open by the time-out fault; destroyed on close so shutdown never hangs. */
  private readonly hung = new Set<Socket>();

  constructor(
    private readonly faults: Faults,
    private readonly metrics: SandboxMetrics,
  ) {}

  wrap(endpoint: SandboxEndpoint, handler: ProtocolHandler) {
    const count = (outcome: SandboxRequestOutcome) => this.metrics.requests.inc({ endpoint, outcome });
    return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const settings = this.faults.current;
      if (settings.latencyMs > 0) await sleep(settings.latencyMs);
      if (this.faults.roll(settings.errorRate)) {
        count("error");
        return reply.code(500).type("text/plain; charset=utf-8").send("sandbox fault: internal error");
      }
      const xml = handler((request.body ?? {}) as FormFields);
      if (this.faults.roll(settings.timeoutRate)) {
        count("timeout");
        this.hang(request, reply);
        return reply;
      }
      if (this.faults.roll(settings.resetAfterChargeRate)) {
        count("reset");
        reply.hijack();
        request.raw.socket.resetAndDestroy();
        return reply;
      }
      count("answered");
      return reply.type(xmlContentType).send(xml);
    };
  }

  /** Ends every connection the time-out fault is holding. */
  releaseHung(): void {
    for (const socket of this.hung) socket.destroy();
    this.hung.clear();
  }

  private hang(request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack();
    const socket = request.raw.socket;
    this.hung.add(socket);
    socket.once("close", () => this.hung.delete(socket));
  }
}
