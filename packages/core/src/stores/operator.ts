/** The operator roles of the stores file (contract: "Stores and credentials"). */
export const operatorRoles = ["admin", "support", "finance"] as const;
export type OperatorRole = (typeof operatorRoles)[number];

/** The name `ADMIN_TOKEN` acts under: the break-glass operator, role `admin`. */
export const breakGlassOperatorName = "admin";

/** A named operator of the stores file. Never log an Operator whole. */
export interface Operator {
  name: string;
  role: OperatorRole;
  /** `sha256:<hex>` of every token this operator may present. */
  tokenHashes: readonly string[];
}
