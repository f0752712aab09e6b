import type { SendProgress } from '../metrics/send-progress.js';
import { formatCount, formatRate } from '../report/format.js';
import { html, type SafeHtml } from '../report/html.js';

function timeOfDay(at: Date): string {
  return `${at.toISOString().slice(11, 19)} UTC`;
}

/**
 * The send progress of a campaign sent in the dashboard's own process: a bar of finished messages and
 * the counts (queued, sent, waiting, skipped by reason, failed, no answer).
 */
export function progressSection(p: SendProgress): SafeHtml {
  const finished = p.sent + p.failed + p.skipped + p.unknown;
  const total = finished + p.remaining;
  const share = total === 0 ? 0 : finished / total;
  const reasons = Object.entries(p.skippedByReason);
  const state = p.done ? 'done' : p.waiting > 0 && p.queued === 0 ? 'waiting' : 'sending';
  const label = p.done ? 'Finished' : state === 'waiting' ? 'Waiting' : 'Sending';
  return html`<section id="progress" data-state="${state}"><h2>Send progress · ${label}</h2>
<progress data-field="progress" max="${total}" value="${finished}">${formatRate(share)}</progress>
<p class="note">${formatCount(finished)} of ${formatCount(total)} finished (${formatRate(share)}).</p>
<table><tbody>
<tr data-progress="queued"><td>Queued</td><td>${formatCount(p.queued)}</td></tr>
<tr data-progress="sent"><td>Sent</td><td>${formatCount(p.sent)}</td></tr>
<tr data-progress="waiting"><td>Waiting for a window or budget</td><td>${formatCount(p.waiting)}${p.waitingUntil ? ` (until ${timeOfDay(p.waitingUntil)})` : ''}</td></tr>
<tr data-progress="skipped"><td>Skipped</td><td>${formatCount(p.skipped)}${reasons.length > 0 ? ` (${reasons.map(([reason, n]) => `${reason} ${formatCount(n)}`).join(', ')})` : ''}</td></tr>
<tr data-progress="failed"><td>Failed</td><td>${formatCount(p.failed)}</td></tr>
<tr data-progress="unknown"><td>No answer</td><td>${formatCount(p.unknown)}</td></tr>
</tbody></table></section>`;
}
