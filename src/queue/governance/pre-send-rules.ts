import type { EnqueueOptions } from '../adapter.js';
import type { OutgoingMessageLike } from '../send-client.js';
import type { MessageCategory } from './message-category.js';

/** What a {@link PreSendRule} is shown of one send, when it is enqueued. */
export interface PreSendRuleInput {
  /** Who the message is for (`to`, digits only, or the BSUID). */
  recipientId: string;
  /** The message as it was enqueued. */
  message: OutgoingMessageLike;
  /** The category governance applies to it (the `category` option, else `marketing` for a template). */
  category: MessageCategory;
  /** The options it was enqueued with. */
  options: EnqueueOptions;
}

/**
 * A pre-send rule of your own (`SendQueue` option `rules`): return a short reason (e.g.
 * `'do_not_contact'`) to skip the send (outcome `skipped`, reason `rule`, your reason in `detail`),
 * or `undefined` to let it go on. May be async. A rule that throws skips the send too (`detail`
 * `rule_error`; the error goes to `onError`): a send is never made past a rule nobody could check.
 */
export type PreSendRule = (
  send: PreSendRuleInput,
) => string | undefined | null | Promise<string | undefined | null>;

/** `detail` of a send skipped because a rule threw, or answered something that is not a reason. */
export const RULE_ERROR = 'rule_error';

/**
 * Runs the rules in order; the first that answers with a reason decides. Resolves with that reason,
 * or `undefined` when every rule lets the send go (at once when there are none). Never rejects: a rule
 * that throws, or answers with anything but a non-empty string, `undefined` or `null`, is reported to
 * `onError` and the answer is {@link RULE_ERROR}.
 */
export async function ruleSkipReason(
  rules: readonly PreSendRule[],
  send: PreSendRuleInput,
  onError: (error: unknown) => void,
): Promise<string | undefined> {
  for (const [index, rule] of rules.entries()) {
    let answer: unknown;
    try {
      answer = await rule(send);
    } catch (error) {
      onError(error);
      return RULE_ERROR;
    }
    if (answer === undefined || answer === null) continue;
    if (typeof answer === 'string' && answer.length > 0) return answer;
    onError(
      // The type only: the value may be personal data.
      new TypeError(
        `SendQueue rules[${index}] answered a ${typeof answer}: expected a non-empty string or undefined`,
      ),
    );
    return RULE_ERROR;
  }
  return undefined;
}
