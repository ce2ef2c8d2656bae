import { startStoreFixture } from '../test/shared/drift/store-fixture.js';
const f = await startStoreFixture();
await f.store.getRecord('d-00000000000000000000');
await f.store.putHistory({ driftId: 'x', eventId: 'e', eventTime: '2026-01-01T00:00:00.000Z', verdict: 'pass', packVersion: 'p' });
console.log(f.counts);
await f.close();
