import { URL, fileURLToPath } from "node:url";

/** The folder `vite build` writes the console into (index.html and assets/), which the ledger serves at /console. */
export const consoleAssetsDir = fileURLToPath(new URL("./dist/", import.meta.url));
