import { SDK_VERSION } from '../client/version.js';

/** Top-level help of the `wacloud` command. */
export const MAIN_HELP = `wacloud ${SDK_VERSION} — WhatsApp Business Cloud API campaigns from the command line

Usage: wacloud <command> [options]

Commands:
  send          send a template to every recipient of a CSV (rate-limited, resumable)
  report        a campaign's metrics as a table, JSON, CSV or HTML report
  templates     list your message templates
  simulate      run the local Cloud API simulator (no Meta account needed)
  listen        receive Meta's webhooks into a store (signature checked, stored before 200)
  export        one person's consent history and events, as JSON or CSV (data-subject request)
  erase         forget one person (right to erasure), keeping a keyed-hash tombstone
  purge         remove events older than a retention limit (the consent record stays)
  export-events a store's events in a time range as NDJSON or CSV, streamed (for a data warehouse)
  dashboard     a live web page of the store's campaigns (127.0.0.1 by default)

Options:
  -h, --help     show help (also: wacloud <command> --help)
  -v, --version  show the version

Credentials come from WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_BUSINESS_ACCOUNT_ID
and WHATSAPP_BASE_URL (or the matching flags). They are never printed.

Exit codes: 0 ok, 1 some sends failed, 2 usage or configuration error.
`;
