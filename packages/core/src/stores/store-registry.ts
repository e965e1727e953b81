import { StoresFileError } from "../errors/index.js";
import { hashApiKey } from "./hash-api-key.js";
import type { Store } from "./store.js";

/** The chain's stores, looked up by id, by API key and by Oceanpayment terminal. */
export class StoreRegistry {
  private readonly byId = new Map<string, Store>();
  private readonly byKeyHash = new Map<string, Store>();
  private readonly secureCodeByTerminal = new Map<string, string>();

  constructor(file: string, stores: readonly Store[]) {
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

  /** The secureCode that signs messages of this terminal, or undefined when it is unknown. */
  secureCodeFor(terminal: string): string | undefined {
    return this.secureCodeByTerminal.get(terminal);
  }
}
