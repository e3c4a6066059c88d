// Test only, run by RegistryInteropTest: KafkaJS's Confluent Schema Registry client against
// card-switch's development registry. Usage: node interop.js <registry url> <subject> <base64 payload from Java>
// Prints one JSON line with what the client saw; exits 1 with the error on stderr.
'use strict';
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Interop',
  namespace: 'test.interop',
  fields: [
    { name: 'text', type: 'string' },
    { name: 'count', type: 'int' },
  ],
});

async function main() {
  const [url, subject, javaPayload] = process.argv.slice(2);
  const registry = new SchemaRegistry({ host: url });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: SCHEMA }, { subject });
  const again = await registry.register({ type: SchemaType.AVRO, schema: SCHEMA }, { subject });
  const lookedUp = await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: SCHEMA });
  const latest = await registry.getLatestSchemaId(subject);

  // A second client with empty caches: everything below is fetched from the registry.
  const fresh = new SchemaRegistry({ host: url });
  const fetched = await fresh.getSchema(id);
  const encoded = await fresh.encode(id, { text: 'from-node', count: 7 });
  const decodedJava = await fresh.decode(Buffer.from(javaPayload, 'base64'));

  process.stdout.write(
    JSON.stringify({
      id,
      again: again.id,
      lookedUp,
      latest,
      fetchedName: fetched.name,
      encoded: encoded.toString('base64'),
      decodedJava,
    }) + '\n',
  );
}

main().catch((error) => {
  process.stderr.write((error && error.stack) || String(error));
  process.stderr.write('\n');
  process.exit(1);
});
