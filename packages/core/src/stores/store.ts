export interface StoreBilling {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  country: string;
  state: string;
  city: string;
  address: string;
  zip: string;
  ip: string;
}

export interface StoreRateLimit {
  /** Sustained requests per second accepted from this store's POS clients. */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once. */
  burst: number;
}

/** One store of the chain, with resolved secrets. Never log a Store whole. */
export interface Store {
  id: string;
  name: string;
  /** `sha256:<hex>` of every API key this store accepts. */
  apiKeyHashes: readonly string[];
  oceanpayment: {
    account: string;
    terminal: string;
    secureCode: string;
  };
  billing: StoreBilling;
  rateLimit: StoreRateLimit;
}
