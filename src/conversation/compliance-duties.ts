// What a conversation owes the customer's rights, kept out of the orchestrator: the disclosure and tool calls in
// the audit trail, the consent record with its notice version and language, the recording notice and opt-out.
// Failures are logged and never end a conversation.
import type { Logger } from '../core/channel.ts';
import type { AuditInput, AuditLog } from '../compliance/audit.ts';
import type { ConsentStore } from '../compliance/consent.ts';
import { describeError } from '../errors.ts';

export interface ConversationCompliance {
  readonly audit: AuditLog;
  readonly consent: ConsentStore;
  /** The business records calls: the recording notice (with its opt-out) follows the disclosure. */
  readonly recording: boolean;
  readonly noticeVersion: string;
  /** What the data is processed for, as the notice states it. */
  readonly purpose: string;
}

export class ComplianceDuties {
  constructor(
    private readonly settings: ConversationCompliance | undefined,
    private readonly conversation: { readonly id: string; readonly channel: string; readonly subject?: string },
    private readonly log: Logger,
  ) {}

  /** Whether a recording notice must follow the disclosure. */
  get recording(): boolean {
    return this.settings?.recording ?? false;
  }

  /** The disclosure was given (and the recording notice, when the business records): audit it and record consent. */
  disclosed(language: string): void {
    const settings = this.settings;
    if (!settings) return;
    this.audit({ type: 'disclosure', detail: { language } });
    if (settings.recording) this.audit({ type: 'recording', detail: { language } });
    const { id, channel, subject } = this.conversation;
    settings.consent
      .recordConsent({ conversationId: id, purpose: settings.purpose, noticeVersion: settings.noticeVersion, language, channel, recording: settings.recording, ...(subject ? { subject } : {}) })
      .catch((error: unknown) => this.log.error({ err: describeError(error) }, 'consent record failed'));
  }

  optedOutOfRecording(): void {
    const { id, channel, subject } = this.conversation;
    this.settings?.consent
      .withdrawRecording(id, { channel, ...(subject ? { subject } : {}) })
      .catch((error: unknown) => this.log.error({ err: describeError(error) }, 'recording opt-out write failed'));
  }

  audit(input: Omit<AuditInput, 'conversationId' | 'channel' | 'subject'>): void {
    const audit = this.settings?.audit;
    if (!audit) return;
    const { id, channel, subject } = this.conversation;
    audit
      .record({ ...input, conversationId: id, channel, ...(subject ? { subject } : {}) })
      .catch((error: unknown) => this.log.error({ err: describeError(error), type: input.type }, 'audit write failed'));
  }
}
