// The gateway's public API as the page uses it. Every call carries the key as a Bearer token to this page's own
// origin (the gateway, or Vite's proxy to it in development); WebSockets cannot carry headers from a browser, so
// they authenticate with a single-use ticket.
import type {
  ExecutionRequest, ExecutionResult, FileTree, PackageInstall, Runtime, Session, StartedExecution,
} from './types';

/** An RFC 9457 problem as the services answer it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail || problem.title || `The gateway answered ${status}.`);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | undefined>;

interface CallOptions {
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
}

export class Api {
  /** Called when the gateway refuses the key (401), so the page can ask for another. */
  onUnauthorized: (error: ApiError) => void = () => {};

  constructor(readonly key: string) {}

  // --- runtimes and executions ---
  runtimes(): Promise<Runtime[]> {
    return this.json('GET', '/api/v1/runtimes');
  }

  startExecution(request: ExecutionRequest): Promise<StartedExecution> {
    return this.json('POST', '/api/v1/executions', { json: request });
  }

  execution(id: string): Promise<ExecutionResult> {
    return this.json('GET', `/api/v1/executions/${enc(id)}`);
  }

  executions(limit = 20, sessionId?: string): Promise<ExecutionResult[]> {
    return this.json('GET', '/api/v1/executions', { query: { limit, sessionId } });
  }

  cancelExecution(id: string): Promise<unknown> {
    return this.json('POST', `/api/v1/executions/${enc(id)}/cancel`);
  }

  // --- sessions ---
  sessions(): Promise<Session[]> {
    return this.json('GET', '/api/v1/sessions');
  }

  session(id: string): Promise<Session> {
    return this.json('GET', `/api/v1/sessions/${enc(id)}`);
  }

  createSession(template: string, ports: number[]): Promise<Session> {
    return this.json('POST', '/api/v1/sessions', { json: ports.length ? { template, ports } : { template } });
  }

  startSession(id: string): Promise<Session> {
    return this.json('POST', `/api/v1/sessions/${enc(id)}/start`);
  }

  stopSession(id: string): Promise<Session> {
    return this.json('POST', `/api/v1/sessions/${enc(id)}/stop`);
  }

  async deleteSession(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/sessions/${enc(id)}`);
  }

  // --- workspace files ---
  files(id: string, path = ''): Promise<FileTree> {
    return this.json('GET', `/api/v1/sessions/${enc(id)}/files`, { query: { path: path || undefined } });
  }

  async readFile(id: string, path: string): Promise<ArrayBuffer> {
    return (await this.call('GET', filePath(id, path))).arrayBuffer();
  }

  async writeFile(id: string, path: string, content: BodyInit): Promise<void> {
    await this.call('PUT', filePath(id, path), { body: content, contentType: 'application/octet-stream' });
  }

  async deleteFile(id: string, path: string): Promise<void> {
    await this.call('DELETE', filePath(id, path));
  }

  async archive(id: string): Promise<Blob> {
    return (await this.call('GET', `/api/v1/sessions/${enc(id)}/files:archive`, { query: { format: 'zip' } })).blob();
  }

  installPackages(id: string, manager: string, packages: string[]): Promise<PackageInstall> {
    return this.json('POST', `/api/v1/sessions/${enc(id)}/packages`, { json: { manager, packages } });
  }

  // --- downloads under the API (artifacts): fetched with the key, handed to the page as blobs ---
  async blob(url: string): Promise<Blob> {
    return (await this.call('GET', url)).blob();
  }

  // --- WebSockets ---
  /** Opens a WebSocket on this page's host, authenticated by a fresh single-use ticket. */
  async socket(path: string, query: Query = {}): Promise<WebSocket> {
    const { ticket } = await this.json<{ ticket: string }>('POST', '/api/v1/ws-tickets');
    const url = onThisOrigin(path);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    for (const [k, v] of Object.entries({ ...query, ticket })) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return new WebSocket(url);
  }

  // --- plumbing ---
  async json<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.call(method, path, options);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Sends one request; any answer but 2xx becomes an ApiError carrying the problem the gateway sent. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const url = onThisOrigin(path);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers = new Headers({ Authorization: `Bearer ${this.key}`, Accept: 'application/json, */*' });
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers.set('Content-Type', 'application/json');
    } else if (body !== undefined && options.contentType) {
      headers.set('Content-Type', options.contentType);
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body });
    } catch {
      throw new ApiError(0, { status: 0, title: 'Network error', detail: 'The gateway cannot be reached: check your connection and try again.' });
    }
    if (!response.ok) {
      const error = new ApiError(response.status, await problemOf(response));
      if (response.status === 401) this.onUnauthorized(error);
      throw error;
    }
    return response;
  }
}

/** The problem in an error answer; a sentence made from the status when the body is not one. */
export async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object') return { status: response.status, ...parsed };
  } catch {
    // not JSON: fall through
  }
  const retry = response.headers.get('Retry-After');
  return {
    status: response.status,
    title: response.statusText,
    detail: `The gateway answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
      + (retry ? `; try again in ${retry} s.` : '.'),
  };
}

/**
 * The URL on this page's origin, whatever origin `path` names: the key goes to the gateway that served the page and
 * nowhere else, even when an answer (an artifact's url, say) spells out another host.
 */
export function onThisOrigin(path: string): URL {
  const url = new URL(path, location.href);
  return url.origin === location.origin ? url : new URL(url.pathname + url.search, location.href);
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** `/api/v1/sessions/{id}/files/{path}` with each path segment encoded and the slashes kept. */
export function filePath(id: string, path: string): string {
  return `/api/v1/sessions/${enc(id)}/files/${path.split('/').filter(Boolean).map(enc).join('/')}`;
}
