// The agent every channel shares: instructions per locale and the tools it may call.
import type { ToolSpec } from '../core/tool.ts';

export interface Agent {
  instructions(locale: string): string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tools of any input type live in one list
  readonly tools: readonly ToolSpec<any, unknown>[];
}
