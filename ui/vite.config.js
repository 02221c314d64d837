// Each view builds to one self-contained HTML file (scripts and styles inlined: a host renders it
// in a sandboxed iframe with no network), into ../views, which the server embeds. VIEWS_OUT
// builds elsewhere (the drift test compares a fresh build with the committed one).
import { resolve } from "node:path";
import { defineConfig } from "vite";
import { viteSingleFile } from "vite-plugin-singlefile";

const view = process.env.VIEW ?? "portfolio-calendar";

export default defineConfig({
  plugins: [viteSingleFile()],
  build: {
    outDir: process.env.VIEWS_OUT ?? resolve(import.meta.dirname, "../views"),
    emptyOutDir: false,
    rollupOptions: { input: resolve(import.meta.dirname, `${view}.html`) },
  },
});
