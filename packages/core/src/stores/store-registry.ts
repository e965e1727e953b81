import { StoresFileError } from "../errors/index.js";
import { hashApiKey } from "./hash-api-key.js";
import type { Operator } from "./operator.js";
import type { Store } from "./store.js";

/** A bearer token's owner: a store (its API key) or a named operator. */
export type TokenOwner = { kind: "store"; store: Store } | { kind: "operator"; operator: Operator };

/** The chain's stores, looked up by id, by API key and by Oceanpayment terminal, and its operators by token. */
export class StoreRegistry {
  private readonly byId = new Map<string, Store>();
  private readonly byKeyHash = new Map<string, Store>();
  private readonly secureCodeByTerminal = new Map<string, string>();
  private readonly operatorByTokenHash = new Map<string, Operator>();
  readonly operators: readonly Operator[];

  constructor(file: string, stores: readonly Store[], operators: readonly Operator[] = []) {
    this.operators = operators;
    for (const store of stores) {
      if (this.byId.has(store.id)) throw new StoresFileError(file, `store "${store.id}", field "id": is listed twice`);
      this.byId.set(store.id, store);
      for (const hash of store.apiKeyHashes) {
        const other = this.byKeyHash.get(hash);
        if (other) {
          throw new StoresFileError(file, `store "${store.id}", field "apiKeys": a key is also used by store "${other.id}"`);
        }
        this.byKeyHash.set(hash, store);
      }
      // Notices are verified by terminal, so one terminal must have one secureCode.
      const { terminal, secureCode } = store.oceanpayment;
      const known = this.secureCodeByTerminal.get(terminal);
      if (known !== undefined && known !== secureCode) {
        throw new StoresFileError(
          file,
          `store "${store.id}", field "oceanpayment.secureCode": differs from another store on terminal ${terminal}`,
        );
      }
      this.secureCodeByTerminal.set(terminal, secureCode);
    }
    const names = new Set<string>();
    for (const operator of operators) {
      if (names.has(operator.name)) throw new StoresFileError(file, `operator "${operator.name}", field "name": is listed twice`);
      names.add(operator.name);
      for (const hash of operator.tokenHashes) {
        // One token, one caller: a token shared with a store or another operator would make it both.
        const store = this.byKeyHash.get(hash);
        const other = this.operatorByTokenHash.get(hash);
        if (store || other) {
          const owner = store ? `store "${store.id}"` : `operator "${other?.name}"`;
          throw new StoresFileError(file, `operator "${operator.name}", field "tokens": a token is also used by ${owner}`);
        }
        this.operatorByTokenHash.set(hash, operator);
      }
    }
  }

  get all(): readonly Store[] {
    return [...this.byId.values()];
  }

  byStoreId(id: string): Store | undefined {
    return this.byId.get(id);
  }

  /** The store owning this API key, or undefined. Keys are compared by hash, never logged. */
  byApiKey(key: string): Store | undefined {
    // Looking up the hash (not the key) means timing reveals nothing about any stored key.
    return this.byKeyHash.get(hashApiKey(key));
  }

  /**
   * Who owns this bearer token: a store or an operator of the file (one hash, looked up in both;
   * compared by hash, never logged), or undefined.
   */
  ownerOf(token: string): TokenOwner | undefined {
    const hash = hashApiKey(token);
    const store = this.byKeyHash.get(hash);
    if (store) return { kind: "store", store };
    const operator = this.operatorByTokenHash.get(hash);
    return operator ? { kind: "operator", operator } : undefined;
  }

  /** The secureCode that signs messages of this terminal, or undefined when it is unknown. */
  secureCodeFor(terminal: string): string | undefined {
    return this.secureCodeByTerminal.get(terminal);
  }
}
