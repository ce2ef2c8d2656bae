import dynalite from 'dynalite';
import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
const server = dynalite({ createTableMs: 0 });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as any).port;
const c = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const d = DynamoDBDocumentClient.from(c);
await c.send(new CreateTableCommand({ TableName: 'tpguard', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{AttributeName:'pk',AttributeType:'S'},{AttributeName:'sk',AttributeType:'S'}], KeySchema: [{AttributeName:'pk',KeyType:'HASH'},{AttributeName:'sk',KeyType:'RANGE'}] }));
const Key = { pk: 'a', sk: 'STATE' };
const upd = async (status: string, t: string, id: string) => {
  try {
    const r = await d.send(new UpdateCommand({ TableName: 'tpguard', Key,
      UpdateExpression: 'SET #s = :s, prev = if_not_exists(#s, :none), lastSeen = :t, lastEventId = :id, tOpen = if_not_exists(tOpen, :mark), kind = if_not_exists(tKind, if_not_exists(flag, :opened)), flag = :re ADD occ :one REMOVE tRes',
      ConditionExpression: 'attribute_not_exists(pk) OR lastSeen < :t OR (lastSeen = :t AND lastEventId < :id)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': status, ':none': 'none', ':t': t, ':id': id, ':mark': { eventId: id, at: t }, ':opened': 'opened', ':re': 'reopened', ':one': 1 },
      ReturnValues: 'ALL_OLD' }));
    console.log('ok old=', JSON.stringify(r.Attributes));
  } catch (e) { console.log('err', (e as Error).name, (e as Error).message); }
};
await upd('open', '2026-01', 'e1');
await upd('open', '2026-02', 'e2');
await upd('open', '2026-02', 'e2');
await upd('open', '2026-01', 'e9');
await upd('open', '2026-02', 'e3');
console.log(JSON.stringify((await d.send(new GetCommand({ TableName: 'tpguard', Key }))).Item));
await new Promise((r) => server.close(r));
