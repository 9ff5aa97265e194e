import { defineConfig } from 'vite';

// The gateway the dev server (and `vite preview`) sends /api to; the page itself then behaves exactly as when the
// gateway serves it: same-origin REST, WebSockets on the page's host.
const gateway = process.env.PLAYGROUND_URL ?? 'http://localhost:8080';
const proxy = { '/api': { target: gateway, ws: true } };

export default defineConfig({
  build: {
    // Maven passes --outDir gateway-service/target/classes/META-INF/resources; the gateway leaves /, /index.html,
    // /assets/** and /favicon.svg to Quarkus' static handler, so everything else must stay under assets/.
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // The page with CodeMirror is about 450 kB (150 kB gzipped); language modes and the Sessions screen with
    // xterm.js are loaded when first needed.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        // Name each lazily loaded chunk after its package (lang-python, xterm...) rather than "dist".
        chunkFileNames: (chunk) => {
          const pkg = chunk.moduleIds.map((id) => /node_modules\/(?:@[^/]+\/)?([^/]+)\/(?:dist\/|mode\/([^/.]+))?/.exec(id)).find(Boolean);
          return `assets/${pkg ? (pkg[2] ?? pkg[1]) : '[name]'}-[hash].js`;
        },
      },
    },
  },
  // 5173 is in the gateway's default CORS origins: the proxy keeps the browser's Origin header.
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 5173, strictPort: true, proxy },
});
