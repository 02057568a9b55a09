// The agent every channel gets out of the box: the team of a small clinic. The router greets, answers general
// questions and hands the customer to a specialist (booking, status of a booking, a person) with what they already
// said; the team's members and instructions are in src/agent/team/.
import type { AnyToolSpec } from '../core/tool.ts';
import { buildTeam, type TeamAgent } from './team/team.ts';
import type { AppointmentOptions } from './tools/appointments.ts';

export const DEFAULT_BUSINESS_NAME = 'Asha Clinic';

export interface DefaultAgentOptions {
  readonly businessName?: string;
  readonly appointments?: AppointmentOptions;
  /** Tools beyond the built-in ones (the business's HTTP tools from TOOLS_FILE); every member of the team gets them. */
  readonly extraTools?: readonly AnyToolSpec[];
}

export type DefaultAgent = TeamAgent;

/** The team's entry, the router; `team` holds every member, itself included. */
export function defaultAgent(options: DefaultAgentOptions = {}): DefaultAgent {
  const team = buildTeam({
    businessName: options.businessName ?? DEFAULT_BUSINESS_NAME,
    ...(options.appointments !== undefined ? { appointments: options.appointments } : {}),
    ...(options.extraTools !== undefined ? { extraTools: options.extraTools } : {}),
  });
  return team.get('router')!;
}
