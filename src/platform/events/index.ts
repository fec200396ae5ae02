export { appendEvents, pruneDelivered, startOutboxRelay, type DomainEvent, type EventHandler, type NewEvent, type OutboxRelay, type Subscriber } from './outbox.ts';
export { eventMigrations } from './migrations.ts';
