// The agent every channel shares: instructions per locale and the tools it may call. A team is a router plus
// specialists: the conversation starts with `entry` and moves between members when one calls hand_off.
import type { AnyToolSpec } from '../core/tool.ts';
import type { Intent } from './intents.ts';

export interface Agent {
  /** Names it in hand-offs, the transcript and the record ('assistant' for a single agent). */
  readonly name?: string;
  /** The intent this agent serves; a hand-off to it tags the conversation with it. */
  readonly intent?: Intent;
  /** `handOff` is the context the previous agent passed (absent for the first agent of a conversation). */
  instructions(locale: string, handOff?: Readonly<Record<string, unknown>>): string;
  readonly tools: readonly AnyToolSpec[];
  /** Every member of its team by name, itself included; absent for a single agent that hands off to nobody. */
  readonly team?: ReadonlyMap<string, Agent>;
}

/** Every tool any member of the agent's team may call: a call made just before a hand-off still has its tool. */
export function teamTools(agent: Agent): AnyToolSpec[] {
  const byName = new Map<string, AnyToolSpec>();
  for (const member of agent.team?.values() ?? [agent]) for (const tool of member.tools) if (!byName.has(tool.name)) byName.set(tool.name, tool);
  for (const tool of agent.tools) if (!byName.has(tool.name)) byName.set(tool.name, tool);
  return [...byName.values()];
}
