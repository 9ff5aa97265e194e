// Shapes of the public API (shared/design/ARCHITECTURE.md), as far as the page reads them.

export interface Runtime {
  language: string;
  version: string;
  aliases: string[];
  extension: string;
  compiled: boolean;
}

export interface SourceFile {
  name: string;
  content: string;
}

export interface ExecutionRequest {
  language: string;
  version?: string;
  files: SourceFile[];
  stdin?: string;
  args?: string[];
  interactive?: boolean;
  sessionId?: string;
}

export interface StartedExecution {
  id: string;
  status: string;
  streamUrl?: string;
}

export type Verdict =
  | 'OK' | 'COMPILE_ERROR' | 'RUNTIME_ERROR' | 'TIME_LIMIT_EXCEEDED' | 'MEMORY_LIMIT_EXCEEDED'
  | 'OUTPUT_LIMIT_EXCEEDED' | 'CANCELLED' | 'INTERNAL_ERROR';

export interface StepResult {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  signal?: string;
  wallTimeMs?: number;
  cpuTimeMs?: number;
  memoryKb?: number;
  stdoutTruncated?: boolean;
  stderrTruncated?: boolean;
}

export interface Artifact {
  name: string;
  size: number;
  contentType: string;
  url: string;
}

export interface ExecutionResult {
  id: string;
  sessionId?: string;
  language?: string;
  version?: string;
  status: 'QUEUED' | 'RUNNING' | 'COMPLETED' | string;
  verdict?: Verdict;
  message?: string;
  compile?: StepResult;
  run?: StepResult;
  artifacts?: Artifact[];
  createdAt?: string;
  finishedAt?: string;
}

export type ExecutionEventType =
  | 'QUEUED' | 'STARTED' | 'COMPILE_OUTPUT' | 'STDOUT' | 'STDERR' | 'INPUT_REQUIRED' | 'EXITED' | 'COMPLETED';

export interface ExecutionEvent {
  executionId: string;
  seq: number;
  type: ExecutionEventType;
  at?: string;
  stream?: 'stdout' | 'stderr';
  data?: string;
  dataBase64?: string;
  exitCode?: number;
  signal?: string;
  result?: ExecutionResult;
}

export type SessionState = 'STARTING' | 'RUNNING' | 'STOPPED' | 'EXPIRED' | 'DELETED' | 'LOST';

export interface Session {
  id: string;
  template: string;
  state: SessionState;
  ports: { port: number; previewUrl: string }[];
  createdAt: string;
  lastActiveAt?: string;
  stoppedAt?: string;
  stopReason?: string;
  idleTimeoutMinutes?: number;
}

export interface FileEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  modifiedAt?: string;
  target?: string;
}

export interface FileTree {
  path: string;
  entries: FileEntry[];
  truncated: boolean;
}

export interface PackageInstall {
  manager: string;
  packages: string[];
  exitCode: number;
  timedOut?: boolean;
  output: string;
  durationMs?: number;
}
