import { defineConfig } from "vite";

/**
 * The console is static files the ledger serves at /console: `vite build` writes index.html and
 * hashed assets into dist/. Preact's JSX through Vite's own transform (no plugin needed).
 */
export default defineConfig({
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: true },
});
