// Business tools without code: HTTP calls declared in a JSON file (TOOLS_FILE) become tools of the agent.
export { loadHttpTools, httpToolsFrom, ToolsFileError } from './tools-file.ts';
export type { HttpToolsOptions } from './tools-file.ts';
export { httpTool } from './http-tool.ts';
export type { HttpToolOptions } from './http-tool.ts';
export { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, HTTP_METHODS } from './declaration.ts';
export type { HttpToolDeclaration, HttpMethod } from './declaration.ts';
export { MAX_REPLY_BYTES } from './reply.ts';
