import { createRequire } from 'node:module';
import { DynamoDBClient, CreateTableCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
const dynalite = createRequire(import.meta.url)('dynalite');
const server = dynalite({ createTableMs: 0 });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as any).port;
const c = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
await c.send(new CreateTableCommand({ TableName: 'tpg', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{AttributeName:'pk',AttributeType:'S'},{AttributeName:'sk',AttributeType:'S'}], KeySchema: [{AttributeName:'pk',KeyType:'HASH'},{AttributeName:'sk',KeyType:'RANGE'}] }));
await c.send(new PutItemCommand({ TableName: 'tpg', Item: { pk: {S:'a'}, sk: {S:'b'}, lastTransition: { M: { at: {S:'2026-01-01T00:00:00Z'}, eventId: {S:'e1'}, kind: {S:'opened'} } } } }));
const upd = (cond: string) => c.send(new UpdateItemCommand({ TableName: 'tpg', Key: { pk: {S:'a'}, sk: {S:'b'} }, UpdateExpression: 'SET #n.#k = :v', ConditionExpression: cond, ExpressionAttributeNames: { '#n': 'notified', '#k': 'slack#opened#e1' }, ExpressionAttributeValues: { ':v': {M: {at: {S:'x'}}} } }));
try { await upd('attribute_not_exists(#n.#k)'); console.log('ok1'); } catch (e: any) { console.log('err1', e.name, e.message); }
try { await c.send(new UpdateItemCommand({ TableName: 'tpg', Key: { pk: {S:'a'}, sk: {S:'b'} }, UpdateExpression: 'SET #n = if_not_exists(#n, :e)', ExpressionAttributeNames: { '#n': 'notified' }, ExpressionAttributeValues: { ':e': {M: {}} } })); console.log('init ok'); } catch (e: any) { console.log('errinit', e.name, e.message); }
try { await upd('attribute_not_exists(#n.#k)'); console.log('ok2'); } catch (e: any) { console.log('err2', e.name, e.message); }
try { await upd('attribute_not_exists(#n.#k)'); console.log('ok3'); } catch (e: any) { console.log('err3', e.name, e.message); }
// missing item
try { await c.send(new UpdateItemCommand({ TableName: 'tpg', Key: { pk: {S:'zz'}, sk: {S:'b'} }, UpdateExpression: 'SET #n = if_not_exists(#n, :e)', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: { '#n': 'notified' }, ExpressionAttributeValues: { ':e': {M: {}} } })); console.log('missing ok'); } catch (e: any) { console.log('errmissing', e.name, e.message); }
await new Promise((r) => server.close(r));
