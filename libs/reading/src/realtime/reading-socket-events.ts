export type { EventsSessionMap, ReadingServerEvents } from '@hub/contracts';
