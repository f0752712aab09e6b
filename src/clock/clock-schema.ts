import { z } from 'zod';
import type { Clock } from './clock.js';

/**
 * Options schema of a {@link Clock} (`{ now(), speed > 0 }`), shared by every component that takes a
 * `clock` option (the send queue, the simulator) so both accept and reject the same values.
 */
export const clockSchema = z.custom<Clock>(
  (value) =>
    typeof (value as Clock | undefined)?.now === 'function' &&
    typeof (value as Clock).speed === 'number' &&
    (value as Clock).speed > 0,
  'expected { now(), speed > 0 }',
);
