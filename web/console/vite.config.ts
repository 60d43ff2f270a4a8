// The console is embedded in the agentd binary under fixed names (src/infrastructure/console):
// one page, one script, one style sheet, no content hashes, no code splitting.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  build: {
    emptyOutDir: true,
    cssCodeSplit: false,
    modulePreload: false,
    assetsInlineLimit: 0,
    target: 'es2022',
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/console.js',
        chunkFileNames: 'assets/console.js',
        assetFileNames: 'assets/console[extname]',
        codeSplitting: false,
      },
    },
  },
  server: {
    // npm run dev: the API of an agentd started separately (AGENTD_URL, default :8080).
    proxy: { '/v1': process.env.AGENTD_URL ?? 'http://127.0.0.1:8080' },
  },
});
