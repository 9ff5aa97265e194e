import { defineConfig } from 'vitest/config';

// Unit tests only; the browser scenarios (tests/browser) run under node's test runner against a live stack.
export default defineConfig({ test: { include: ['tests/unit/**/*.test.ts'] } });
