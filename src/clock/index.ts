/** The injectable clock shared by the send queue and the simulator. */
export { type AcceleratedClockOptions, acceleratedClock, type Clock, systemClock } from './clock.js';
