import { Logger } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { ConsumerProgress } from './consumer-progress';

const BOUND_MS = 60_000;
const topic = 'contacts.commands';

describe('ConsumerProgress', () => {
  // Nothing listens there: the periodic read of offsets fails, and the rules are what is left.
  const kafka = new Kafka({
    clientId: 'consumer-progress-spec',
    brokers: ['127.0.0.1:1'],
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  let progress: ConsumerProgress;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    progress = new ConsumerProgress(kafka, { groupId: 'contacts-commands', fromBeginning: true });
    progress.assigned({ [topic]: [0, 1] }, 0);
  });

  afterEach(() => progress.stop());

  it('reports no stall for a caught-up partition, however long it stays idle', () => {
    progress.fetched(topic, 0, '10', 0);
    progress.committed(topic, 0, '10', 0);
    expect(progress.stalls(BOUND_MS, 10 * BOUND_MS)).toEqual([]);
  });

  it('reports a partition with lag that made no progress for longer than the bound', () => {
    progress.committed(topic, 0, '10', 0);
    progress.fetched(topic, 0, '15', 1_000);
    expect(progress.stalls(BOUND_MS, BOUND_MS - 1)).toEqual([]);
    expect(progress.stalls(BOUND_MS, BOUND_MS + 1_000)).toEqual([
      { group: 'contacts-commands', topic, partition: 0, lag: '5', noProgressForSeconds: 61 },
    ]);
  });

  it('counts the bound from when the lag appeared, not from the end of an idle spell', () => {
    progress.committed(topic, 0, '10', 0);
    progress.fetched(topic, 0, '10', 0);
    expect(progress.stalls(BOUND_MS, 500_000)).toEqual([]); // seen caught up at 500 s
    progress.fetched(topic, 0, '11', 500_001);
    expect(progress.stalls(BOUND_MS, 520_000)).toEqual([]);
    expect(progress.stalls(BOUND_MS, 561_000)).toHaveLength(1);
  });

  it('is healthy again once the partition moves', () => {
    progress.committed(topic, 0, '10', 0);
    progress.fetched(topic, 0, '15', 0);
    expect(progress.stalls(BOUND_MS, 2 * BOUND_MS)).toHaveLength(1);
    progress.committed(topic, 0, '12', 2 * BOUND_MS);
    expect(progress.stalls(BOUND_MS, 2 * BOUND_MS + 1)).toEqual([]);
  });

  it('counts handled records as progress before their batch is committed', () => {
    progress.committed(topic, 0, '10', 0);
    progress.fetched(topic, 0, '5000', 0);
    progress.progressed(topic, 0, BOUND_MS);
    expect(progress.stalls(BOUND_MS, BOUND_MS + 1_000)).toEqual([]);
  });

  it('does not judge a partition whose position or end is not known yet', () => {
    progress.fetched(topic, 1, '100', 0);
    expect(progress.stalls(BOUND_MS, 10 * BOUND_MS)).toEqual([]);
  });

  it('keeps the stall of a partition it holds again after a rejoin, and forgets revoked ones', () => {
    progress.committed(topic, 0, '10', 0);
    progress.fetched(topic, 0, '15', 0);
    progress.committed(topic, 1, '3', 0);
    progress.fetched(topic, 1, '9', 0);
    progress.assigned({ [topic]: [0] }, BOUND_MS);
    expect(progress.stalls(BOUND_MS, BOUND_MS + 1_000)).toEqual([
      expect.objectContaining({ partition: 0, noProgressForSeconds: 61 }),
    ]);
  });
});
