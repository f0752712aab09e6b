import { describe, expect, it } from 'vitest';
import type { SendJob } from '../../../src/queue/adapter.js';
import { type CampaignPauseInfo, CampaignPauses } from '../../../src/queue/governance/campaign-pauses.js';
import { signalOf } from '../../../src/queue/governance/webhook-signals.js';

function job(campaignId: string | undefined, template = 'spring_sale'): SendJob {
  return {
    id: 'j',
    message: {
      to: '+905321000001',
      type: 'template',
      template: { name: template, language: { code: 'en' } },
    },
    recipientId: '905321000001',
    options: campaignId === undefined ? {} : { campaignId },
    attempts: 0,
    pairRateHits: 0,
  };
}

const template = (event: string, name = 'spring_sale') =>
  signalOf({ type: 'template_status', event, templateName: name, language: 'en' } as { type: string });
const number = (event: string) =>
  signalOf({ type: 'phone_number_quality', event, details: {} } as { type: string });

function pauses() {
  const log: string[] = [];
  const record = (kind: string) => (info: CampaignPauseInfo) =>
    log.push(`${kind}:${info.campaignId}:${info.reason}${info.resumedBy ? `:${info.resumedBy}` : ''}`);
  return { log, p: new CampaignPauses({ onPaused: record('paused'), onResumed: record('resumed') }) };
}

describe('CampaignPauses', () => {
  it('pauses running campaigns that used the template at once, others when their next send comes', () => {
    const { log, p } = pauses();
    p.setRunning('a', true);
    p.setRunning('b', true);
    expect(p.holds(job('a'))).toBe(false);
    expect(p.holds(job('b', 'other'))).toBe(false);
    p.apply(template('PAUSED')!);
    expect(log).toEqual(['paused:a:template_paused']);
    expect(p.holds(job('b', 'other'))).toBe(false);
    expect(p.holds(job('c'))).toBe(true); // a campaign not seen before, sending the paused template
    expect(log).toEqual(['paused:a:template_paused', 'paused:c:template_paused']);
    expect(p.holds(job(undefined))).toBe(false);
  });

  it('resume() overrides the cause it was paused for; a new cause pauses again; Meta’s lift forgets the override', () => {
    const { log, p } = pauses();
    p.setRunning('a', true);
    p.holds(job('a'));
    p.apply(template('PAUSED')!);
    expect(p.resume('a')).toBe(true);
    expect(p.resume('a')).toBe(false);
    expect(p.holds(job('a'))).toBe(false); // same cause: overridden
    p.apply(number('FLAGGED')!);
    expect(p.isPaused('a')).toBe(true);
    p.apply(number('UNFLAGGED')!);
    expect(p.isPaused('a')).toBe(false);
    p.apply(template('REINSTATED')!);
    p.apply(template('PAUSED')!); // a new pause after the lift pauses again
    expect(p.isPaused('a')).toBe(true);
    expect(log).toEqual([
      'paused:a:template_paused',
      'resumed:a:template_paused:manual',
      'paused:a:quality_flagged',
      'resumed:a:quality_flagged:automatic',
      'paused:a:template_paused',
    ]);
  });

  it('a manual pause and a disabled template are never resumed by Meta’s signals', () => {
    const { p } = pauses();
    p.setRunning('m', true);
    p.setRunning('d', true);
    p.pause('m');
    p.holds(job('d'));
    p.apply(template('DISABLED')!);
    p.apply(number('UNFLAGGED')!);
    expect(p.isPaused('m')).toBe(true);
    expect(p.isPaused('d')).toBe(true);
    p.resume('d');
    expect(p.holds(job('d'))).toBe(false);
  });
});
