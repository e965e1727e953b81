import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { Logger } from "../logger/index.js";
import { xinfoFields } from "./xinfo-fields.js";

/**
 * Puts a group's entries-read counter right when the group has read everything but Redis's `lag`
 * says otherwise. Redis 7.0 writes an XREADGROUP to the append-only file as XCLAIM … LASTID, which
 * moves last-delivered-id but not entries-read (redis/redis#10569, fixed by #12898): after a
 * rewrite (its base keeps the counter) and a restart, the counter is behind and `lag` too high
 * for good, however far the group reads. At the last entry the right count is entries-added.
 * KEYS: stream. ARGV: group → 1 when reset, else 0.
 */
const resetLagLua = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local lastId, added
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then lastId = info[i + 1] elseif info[i] == 'entries-added' then added = info[i + 1] end
end
if not added then return 0 end
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local f = {}
  for i = 1, #g, 2 do f[g[i]] = g[i + 1] end
  if f['name'] == ARGV[1] then
    if f['last-delivered-id'] ~= lastId or f['lag'] == 0 then return 0 end
    redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], lastId, 'ENTRIESREAD', added)
    return 1
  end
end
return 0
`;

/** A stream entry as XREADGROUP returns it; `null` fields: deleted while pending. */
export type StreamEntry = [id: string, fields: string[] | null];

export interface StreamGroupReaderOptions {
  /** A dedicated connection (worker role): XREADGROUP BLOCK holds it. */
  redis: Redis;
  streamKey: string;
  /** Consumer group shared by every replica. */
  group: string;
  /** This process's consumer name (unique per process). */
  consumer: string;
  /** What reads, in log lines ("event relay"). */
  name: string;
  logger: Logger;
  /**
   * Works on entries. `fresh`: read for the first time; otherwise re-read after an error or a
   * restart, or claimed from a dead consumer: whatever they asked for may have been done already.
   * A rejection leaves them pending and makes the next read re-read this consumer's pending ones.
   */
  handle: (entries: StreamEntry[], fresh: boolean) => Promise<void>;
  /** Entries this process still works on: a re-read of pending entries leaves them out. */
  inFlight?: ReadonlySet<string>;
  /**
   * With `inFlight`: a connection (not `redis`, which a blocking read may hold) on which the
   * entries in flight are renewed every third of `claimIdleMs` (XCLAIM … JUSTID resets their idle
   * time), so that slow work is never mistaken for a dead consumer's and claimed.
   */
  renewWith?: Redis;
  /** Resolves with how many entries may be read now (at most `batchSize`), waiting for room if none. */
  room?: () => Promise<number>;
  /** Where a newly created group starts: `$` (only new entries, default) or `0` (everything retained). */
  startId?: string;
  /** Entries pending longer than this on a dead consumer are claimed; default 60 000 ms. */
  claimIdleMs?: number;
  /** XREADGROUP BLOCK time; default 5 000 ms. */
  blockMs?: number;
  /** Entries per read; default 100. */
  batchSize?: number;
  /**
   * Pause after a read that returned less than a full batch, default 5 ms: under load the next
   * read then carries many entries (one read, one acknowledgement for all of them) instead of one
   * or two; an idle reader adds at most this much to an entry's latency.
   */
  lingerMs?: number;
}

/**
 * Reads a stream through a consumer group, at least once: an entry stays pending until `handle`
 * (or work it started) acknowledges it. After a start or an error this consumer re-reads its own
 * pending entries first; every `claimIdleMs` it also claims the entries of dead consumers
 * (XAUTOCLAIM, its own included), removes consumers idle for an hour that hold nothing
 * (consumer names are per process, so every restart leaves one behind) and puts the group's
 * read counter right if a Redis restart left it behind (`resetLagLua`).
 */
export class StreamGroupReader {
  private readonly o: Required<Omit<StreamGroupReaderOptions, "inFlight" | "room" | "renewWith">> &
    Pick<StreamGroupReaderOptions, "inFlight" | "room" | "renewWith">;
  private stopped = false;
  private blocked = false;
  private loop: Promise<void> | undefined;
  private pendingFirst = true;
  private nextClaimAt = 0;
  private groupExists = false;
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(options: StreamGroupReaderOptions) {
    this.o = { startId: "$", claimIdleMs: 60_000, blockMs: 5_000, batchSize: 100, lingerMs: 5, ...options };
  }

  /**
   * Creates the group if missing and starts reading. Resolves once the group exists, or after a
   * first failure to create it (Redis away): the loop then keeps trying.
   */
  async start(): Promise<void> {
    await this.ensureGroup().catch((err: unknown) => {
      this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, `${this.o.name} cannot create its group yet; retrying`);
    });
    this.loop ??= this.run();
    if (this.o.inFlight && this.o.renewWith && !this.renewTimer) {
      this.renewTimer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.o.claimIdleMs / 3)));
      this.renewTimer.unref();
    }
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupExists) return;
    try {
      await this.o.redis.xgroup("CREATE", this.o.streamKey, this.o.group, this.o.startId, "MKSTREAM");
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("BUSYGROUP"))) throw err;
    }
    this.groupExists = true;
  }

  /**
   * Stops reading: the `handle` call running finishes, a blocked read is cut (its connection
   * dropped). Renewals stop too: what is still in flight can be claimed once idle.
   */
  async close(): Promise<void> {
    clearInterval(this.renewTimer);
    if (this.stopped) return this.loop;
    this.stopped = true;
    if (this.blocked) this.o.redis.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.ensureGroup();
        if (Date.now() >= this.nextClaimAt) {
          await this.claimStale();
          this.nextClaimAt = Date.now() + Math.max(1_000, Math.min(this.o.claimIdleMs, 30_000));
        }
        const room = this.o.room ? Math.min(this.o.batchSize, await this.o.room()) : this.o.batchSize;
        if (this.stopped) break;
        const fresh = !this.pendingFirst;
        const entries = await this.read(room);
        if (entries.length > 0) await this.o.handle(entries, fresh);
        failures = 0;
        if (entries.length > 0 && entries.length < room && this.o.lingerMs > 0) await sleep(this.o.lingerMs);
      } catch (err) {
        if (this.stopped) break;
        failures++;
        this.pendingFirst = true;
        // The stream or its group vanished (a Redis that lost its data): made again before the next read.
        if (err instanceof Error && err.message.startsWith("NOGROUP")) this.groupExists = false;
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err), failures }, `${this.o.name} error; retrying`);
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private async read(count: number): Promise<StreamEntry[]> {
    const { redis, group, consumer, blockMs, streamKey, inFlight } = this.o;
    this.blocked = !this.pendingFirst;
    let reply: unknown;
    try {
      reply = this.pendingFirst
        ? await redis.xreadgroup("GROUP", group, consumer, "COUNT", count, "STREAMS", streamKey, "0")
        : // Back in time for the next claim (BLOCK 0 would mean for ever).
          await redis.xreadgroup("GROUP", group, consumer, "COUNT", count, "BLOCK", Math.max(1, Math.min(blockMs, this.nextClaimAt - Date.now())), "STREAMS", streamKey, ">");
    } finally {
      this.blocked = false;
    }
    const read = ((reply as [string, StreamEntry[]][] | null)?.[0]?.[1] ?? []) as StreamEntry[];
    // Pending entries still being worked on here are this process's to finish, not to redo.
    const entries = inFlight && inFlight.size > 0 ? read.filter(([id]) => !inFlight.has(id)) : read;
    // Re-reading pending entries ends when none is left but those in flight.
    if (this.pendingFirst && entries.length === 0) this.pendingFirst = false;
    return entries;
  }

  private async renew(): Promise<void> {
    const { inFlight, renewWith, streamKey, group, consumer, logger, name } = this.o;
    if (!inFlight || !renewWith || inFlight.size === 0) return;
    try {
      await renewWith.xclaim(streamKey, group, consumer, 0, ...inFlight, "JUSTID");
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, `${name} could not renew its entries in flight`);
    }
  }

  /** Takes over entries that another (dead) consumer read but never acknowledged. */
  private async claimStale(): Promise<void> {
    const { redis, streamKey, group, consumer, claimIdleMs, batchSize, logger, name, inFlight } = this.o;
    let cursor = "0-0";
    do {
      const [next, claimed, deleted] = (await redis.xautoclaim(streamKey, group, consumer, claimIdleMs, cursor, "COUNT", batchSize)) as [
        string,
        StreamEntry[],
        string[]?,
      ];
      const entries = inFlight && inFlight.size > 0 ? claimed.filter(([id]) => !inFlight.has(id)) : claimed;
      if (entries.length > 0) {
        logger.info({ count: entries.length }, `${name} claimed unacknowledged entries from another consumer`);
        await this.o.handle(entries, false);
      }
      // Entries trimmed from the stream while pending cannot be handed over; Redis already dropped them.
      if (deleted && deleted.length > 0) logger.warn({ count: deleted.length }, `${name}: pending entries were trimmed before being handled`);
      cursor = next;
    } while (cursor !== "0-0" && !this.stopped);
    await this.forgetIdleConsumers();
    if ((await redis.eval(resetLagLua, 1, streamKey, group)) === 1) logger.info(`${name}: the group's read counter was behind (a Redis restart); reset`);
  }

  /** Removes consumers that hold nothing and have been idle for an hour. */
  private async forgetIdleConsumers(): Promise<void> {
    const { redis, streamKey, group, consumer } = this.o;
    const rows = (await redis.xinfo("CONSUMERS", streamKey, group)) as unknown[][];
    for (const row of rows) {
      const info = xinfoFields(row);
      const name = String(info.get("name"));
      if (name === consumer || Number(info.get("pending")) !== 0 || Number(info.get("idle")) < 3_600_000) continue;
      await redis.xgroup("DELCONSUMER", streamKey, group, name);
    }
  }
}
