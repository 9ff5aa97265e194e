// The page's pure logic: what it decides without a browser or a server.
import { describe, expect, it, vi } from 'vitest';
import { filePath, onThisOrigin, problemOf } from '../../src/api';
import { splitArgs } from '../../src/args';
import { SeqFilter, backoffMs } from '../../src/execution-stream';
import { fileNameProblem } from '../../src/file-tabs';
import { buildTree, pathProblem } from '../../src/files';
import { parsePorts } from '../../src/sessions';
import type { FileEntry } from '../../src/types';

describe('an execution stream that reconnects', () => {
  it('skips the events the server replays and keeps the new ones', () => {
    const seen = new SeqFilter();
    const first = [1, 2, 3].filter((seq) => seen.accept({ seq }));
    const replayed = [1, 2, 3, 4, 5].filter((seq) => seen.accept({ seq }));
    expect(first).toEqual([1, 2, 3]);
    expect(replayed).toEqual([4, 5]);
    expect(seen.lastSeq).toBe(5);
  });

  it('waits longer after each failed attempt, up to five seconds', () => {
    expect([1, 2, 3, 4, 5, 9].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });
});

describe('program arguments typed on one line', () => {
  it('split on spaces, grouped by quotes, escaped by backslashes', () => {
    expect(splitArgs('  --n 3 "two words" \'it\'\'s\' a\\ b ""')).toEqual(['--n', '3', 'two words', 'its', 'a b', '']);
    expect(splitArgs('')).toEqual([]);
  });
});

describe('names and paths the user types', () => {
  it('a run file name is plain and unique', () => {
    expect(fileNameProblem('util.py', ['main.py'])).toBeUndefined();
    expect(fileNameProblem('main.py', ['main.py'])).toMatch(/already/);
    expect(fileNameProblem('a/b.py', [])).toMatch(/no folders/);
    expect(fileNameProblem('', [])).toMatch(/needs a name/);
  });

  it('a workspace path stays relative and inside', () => {
    expect(pathProblem('src/app.js')).toBeUndefined();
    expect(pathProblem('/etc/passwd')).toMatch(/relative/);
    expect(pathProblem('a/../../b')).toMatch(/\.\./);
    expect(pathProblem('src/')).toMatch(/name/);
  });

  it('ports are whole numbers in range', () => {
    expect(parsePorts('3000, 8080')).toEqual([3000, 8080]);
    expect(parsePorts('')).toEqual([]);
    expect(parsePorts('3000 http')).toBe('http is not a port (1 to 65535).');
    expect(parsePorts('70000')).toMatch(/not a port/);
  });

  it('file URLs encode each segment and keep the slashes', () => {
    expect(filePath('s1', 'src/my file#1.js')).toBe('/api/v1/sessions/s1/files/src/my%20file%231.js');
  });
});

describe('the file tree', () => {
  const entry = (path: string, type: FileEntry['type'] = 'file'): FileEntry => ({ path, type, size: 1 });
  const listing = [entry('server.js'), entry('src', 'directory'), entry('src/b.js'), entry('src/a.js'),
    entry('.npm', 'directory'), entry('.npm/cache'), entry('README.md'), entry('lib', 'directory')];

  it('nests entries, folders first, and leaves dot files out unless asked', () => {
    const tree = buildTree(listing, false);
    expect(tree.map((n) => n.name)).toEqual(['lib', 'src', 'README.md', 'server.js']);
    expect(tree[1].children.map((n) => n.path)).toEqual(['src/a.js', 'src/b.js']);
    expect(buildTree(listing, true).map((n) => n.name)).toContain('.npm');
  });
});

describe('where the key goes', () => {
  it('only to the page\'s own origin, even when a URL names another host', () => {
    vi.stubGlobal('location', new URL('http://localhost:8080/#/run'));
    expect(onThisOrigin('/api/v1/executions/e1/artifacts/out%2Fplot.png').href).toBe('http://localhost:8080/api/v1/executions/e1/artifacts/out%2Fplot.png');
    expect(onThisOrigin('https://elsewhere.example/api/v1/x?y=1').href).toBe('http://localhost:8080/api/v1/x?y=1');
    vi.unstubAllGlobals();
  });
});

describe('an error answer', () => {
  it('is read as the problem the gateway sent', async () => {
    const body = JSON.stringify({ type: 'https://playground.dev/problems/not-found', title: 'Not Found', status: 404, detail: 'Session x not found.' });
    const problem = await problemOf(new Response(body, { status: 404, headers: { 'Content-Type': 'application/problem+json' } }));
    expect(problem.detail).toBe('Session x not found.');
  });

  it('becomes a sentence when the body is not a problem', async () => {
    const problem = await problemOf(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Retry-After': '5' } }));
    expect(problem.detail).toBe('The gateway answered 502 Bad Gateway; try again in 5 s.');
  });
});
