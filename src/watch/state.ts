// How `local --watch` talks to the runs it starts (each one the real `mcp-verify local` in a child process).
/** Set for child runs: the server under test is already running, owned by the watcher. */
export const WATCH_SERVER_ENV = 'MCP_VERIFY_WATCH_SERVER';
/** A JSON file: `{first: [ids]}` in (run these first), `{failed: [ids]}` out. */
export const WATCH_STATE_ENV = 'MCP_VERIFY_WATCH_STATE';
