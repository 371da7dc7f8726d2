/** A session's state: CLOSED sessions refuse edits and runs (409). */
export type SessionStatus = "ACTIVE" | "CLOSED";
/** An execution's state; the last four are final. */
export type ExecutionStatus = "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "TIMEOUT" | "CANCELLED";
/** A test case's verdict, when the server judges runs against expected output. */
export type Verdict = "accepted" | "wrong_answer" | "time_limit" | "memory_limit" | "output_limit" | "runtime_error" | "compile_error" | "internal";
export interface Limits {
    time_limit_ms?: number;
    memory_limit_mb?: number;
    max_processes?: number;
    output_limit_bytes?: number;
}
export interface Language {
    id: string;
    name: string;
    version: string;
    source_file: string;
    compiled: boolean;
    /** Whether the toolchain is installed on the server. */
    available: boolean;
    limits: Limits;
    starter_code: string;
  /** Libraries beyond the standard library that programs may import, installed on the server. */
  libraries: { name: string; version?: string }[];
}
export interface ExecutionSummary {
    execution_id: string;
    language: string;
    status: ExecutionStatus;
    reason: string | null;
    exit_code: number | null;
    execution_time_ms: number | null;
    queued_at: string;
    started_at: string | null;
    finished_at: string | null;
}
/** A whole session; etag is its version (the ETag header), for saveSession's ifMatch. */
export interface Session {
    session_id: string;
    status: SessionStatus;
    language: string;
    source_code: string;
    created_at: string;
    updated_at: string;
    latest_execution?: ExecutionSummary;
    etag: string;
}
/** The short answer to an autosave; etag is the session's new version. */
export interface SavedSession {
    session_id: string;
    status: SessionStatus;
    language: string;
    updated_at: string;
    etag: string;
}
export interface SessionPatch {
    language?: string;
    source_code?: string;
}
/** One test case of a judged run: the program gets stdin and must print expected_output. */
export interface TestCase {
    stdin: string;
    expected_output: string;
    args?: string[];
    time_limit_ms?: number;
    /** A hidden test's input and output are not shown back. */
    hidden?: boolean;
}
/** A test case's outcome. */
export interface TestResult {
    verdict: Verdict;
    stdout?: string | null;
    stderr?: string | null;
    exit_code?: number | null;
    execution_time_ms?: number | null;
    memory_kb?: number | null;
    hidden?: boolean;
}
export interface RunRequest extends Limits {
    stdin?: string;
    /** Keep stdin open for input sent over the WebSocket while the program runs. */
    interactive?: boolean;
    args?: string[];
    files?: {
        name: string;
        content: string;
    }[];
    /** Judge the run against these cases (servers whose capabilities() say tests: true). */
    tests?: TestCase[];
}
export interface RunAccepted {
    execution_id: string;
    status: ExecutionStatus;
}
export interface Execution extends ExecutionSummary {
    session_id: string;
    stdout: string | null;
    stderr: string | null;
    output: string | null;
    signal: string | null;
    compile_output: string | null;
    cpu_time_ms: number | null;
    memory_kb: number | null;
    compile_time_ms: number | null;
    attempts: number;
    limits: Limits;
    /** Per-test verdicts of a judged run. */
    tests?: TestResult[];
    verdict?: Verdict;
}
export interface ExecutionPage {
    executions: ExecutionSummary[];
    next_cursor: string | null;
}
/** What the server offers beyond the core API. */
export interface Capabilities {
    /** Runs take `tests` and answer with per-test verdicts. */
    tests: boolean;
}
/** A live event of an execution, as SSE and the WebSocket deliver it. */
export type StreamEvent = {
    id: number;
    type: "status";
    data: {
        execution_id: string;
        status: ExecutionStatus;
        attempt?: number;
        at: string;
    };
} | {
    id: number;
    type: "stdout" | "stderr";
    data: {
        execution_id: string;
        data: string;
    };
} | {
    id: number;
    type: "result";
    data: Execution;
} | {
    id: number;
    type: "gap" | "dropped";
    data: unknown;
};
