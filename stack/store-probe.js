// The supervisor's probe of a FerretDB: a ping and a real query (a find served by PostgreSQL),
// all within the deadline. Exits 0 when both answered; otherwise prints what failed and exits 1.
// A wedged FerretDB keeps its port open and accepts connections, then never answers.
//   node stack/store-probe.js PORT [DEADLINE_MS]
const { MongoClient } = require('mongodb');

const [port, deadlineText = '2000'] = process.argv.slice(2);
const deadlineMs = Number(deadlineText);
let stage = 'connect';
const fail = (reason) => {
  process.stdout.write(`${stage} on 127.0.0.1:${port}: ${reason}\n`);
  process.exit(1);
};
setTimeout(() => fail(`no answer within ${deadlineMs} ms`), deadlineMs).unref();

(async () => {
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`, {
    serverSelectionTimeoutMS: deadlineMs,
    connectTimeoutMS: deadlineMs,
    socketTimeoutMS: deadlineMs,
    maxPoolSize: 1,
  });
  await client.connect();
  const database = client.db('switchboard_supervisor');
  stage = 'ping';
  await database.command({ ping: 1 });
  stage = 'find';
  const probes = database.collection('probe');
  if (!(await probes.findOne({ _id: 'probe' }))) {
    // Once per store: from then on the find reads a table, not only FerretDB's catalog.
    stage = 'insert';
    await probes.insertOne({ _id: 'probe' }).catch((error) => {
      if (error.code !== 11000) {
        throw error;
      }
    });
  }
  process.exit(0);
})().catch((error) => fail(error.message));
