import type { MessageEnvelope } from './envelope.js';

/** HOME or WORK, as Meta labels contact fields. */
export type ContactFieldType = 'HOME' | 'WORK' | (string & {});

/** A contact's name; `formatted_name` is required. */
export interface ContactName {
  /** Full name as displayed. */
  formatted_name: string;
  /** Given name. */
  first_name?: string;
  /** Family name. */
  last_name?: string;
  /** Middle name. */
  middle_name?: string;
  /** Name prefix, e.g. `Dr`. */
  prefix?: string;
  /** Name suffix, e.g. `Jr`. */
  suffix?: string;
}

/** A contact's postal address. */
export interface ContactAddress {
  /** Street and number. */
  street?: string;
  /** City. */
  city?: string;
  /** State or region. */
  state?: string;
  /** Postal code. */
  zip?: string;
  /** Country name. */
  country?: string;
  /** Two-letter ISO country code. */
  country_code?: string;
  /** HOME or WORK. */
  type?: ContactFieldType;
}

/** A contact's email address. */
export interface ContactEmail {
  /** The address. */
  email: string;
  /** HOME or WORK. */
  type?: ContactFieldType;
}

/** A contact's phone number. */
export interface ContactPhone {
  /** The number as displayed. */
  phone: string;
  /** HOME, WORK, CELL, MAIN, IPHONE... */
  type?: ContactFieldType;
  /** WhatsApp id: adds the "Message" button. */
  wa_id?: string;
}

/** A contact's organization. */
export interface ContactOrg {
  /** Company name. */
  company?: string;
  /** Department. */
  department?: string;
  /** Job title. */
  title?: string;
}

/** A contact's URL. */
export interface ContactUrl {
  /** The URL. */
  url: string;
  /** HOME or WORK. */
  type?: ContactFieldType;
}

/** One contact card. */
export interface ContactCard {
  /** The contact's name. */
  name: ContactName;
  /** Postal addresses. */
  addresses?: ContactAddress[];
  /** Birthday, `YYYY-MM-DD`. */
  birthday?: string;
  /** Email addresses. */
  emails?: ContactEmail[];
  /** Organization. */
  org?: ContactOrg;
  /** Phone numbers. */
  phones?: ContactPhone[];
  /** Web sites. */
  urls?: ContactUrl[];
}

/** One or more contact cards. */
export interface ContactsMessage extends MessageEnvelope {
  /** `contacts` (may be omitted; inferred from the `contacts` key). */
  type?: 'contacts';
  /** At least one card. */
  contacts: ContactCard[];
}
