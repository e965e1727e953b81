/** The folder `vite build` writes the console into (index.html and assets/), which the ledger serves at /console. */
export declare const consoleAssetsDir: string;
