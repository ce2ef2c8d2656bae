import dynalite from 'dynalite';
import { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
const server = dynalite({ path: '/tmp/b-dyn-data', createTableMs: 0 });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as any).port;
const c = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
try {
await c.send(new CreateTableCommand({ TableName: 'tpguard', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{AttributeName:'pk',AttributeType:'S'},{AttributeName:'sk',AttributeType:'S'},{AttributeName:'g',AttributeType:'S'},{AttributeName:'gs',AttributeType:'S'}], KeySchema: [{AttributeName:'pk',KeyType:'HASH'},{AttributeName:'sk',KeyType:'RANGE'}], GlobalSecondaryIndexes: [{IndexName:'gsi1', KeySchema:[{AttributeName:'g',KeyType:'HASH'},{AttributeName:'gs',KeyType:'RANGE'}], Projection:{ProjectionType:'ALL'}}] }));
} catch (e) { console.log('create', (e as Error).name); }
console.log((await c.send(new DescribeTableCommand({TableName:'tpguard'}))).Table?.TableStatus);
await c.send(new PutItemCommand({ TableName: 'tpguard', Item: { pk: {S:'a'}, sk: {S:'b'}, n: {N: '1'} } }));
const r = await c.send(new UpdateItemCommand({ TableName: 'tpguard', Key: { pk: {S:'a'}, sk: {S:'c'} }, UpdateExpression: 'SET n = if_not_exists(n, :z) + :one, lastSeen = :t', ConditionExpression: 'attribute_not_exists(pk) OR lastSeen < :t OR (lastSeen = :t AND lastEventId < :id)', ExpressionAttributeValues: { ':z': {N:'0'}, ':one': {N:'1'}, ':t': {S:'2026'}, ':id': {S:'x'} }, ReturnValues: 'ALL_OLD' }));
console.log('upd', r.Attributes);
console.log((await c.send(new GetItemCommand({ TableName: 'tpguard', Key: { pk: {S:'a'}, sk: {S:'b'} } }))).Item);
await new Promise((r) => server.close(r));
