// The agent every channel shares: instructions per locale and the tools it may call.
import type { AnyToolSpec } from '../core/tool.ts';

export interface Agent {
  instructions(locale: string): string;
  readonly tools: readonly AnyToolSpec[];
}
