// Sends a MongoDB wire-protocol `ping` (OP_MSG) and exits 0 when an answer comes back within the
// timeout: an open port alone does not tell a working store from a hung one.
//   node stack/wire-ping.js PORT [TIMEOUT_MS]
const net = require('node:net');

const [port, timeoutMs = '3000'] = process.argv.slice(2);
const bsonString = (value) => {
  const bytes = Buffer.from(`${value}\0`);
  const length = Buffer.alloc(4);
  length.writeInt32LE(bytes.length);
  return Buffer.concat([length, bytes]);
};
const int32 = (value) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32LE(value);
  return bytes;
};
const elements = Buffer.concat([
  Buffer.from([0x10]),
  Buffer.from('ping\0'),
  int32(1),
  Buffer.from([0x02]),
  Buffer.from('$db\0'),
  bsonString('admin'),
]);
const document = Buffer.concat([int32(4 + elements.length + 1), elements, Buffer.from([0])]);
const body = Buffer.concat([int32(0), Buffer.from([0]), document]); // flag bits, section kind 0
const message = Buffer.concat([int32(16 + body.length), int32(1), int32(0), int32(2013), body]);

const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(message));
const fail = () => process.exit(1);
socket.setTimeout(Number(timeoutMs), fail);
socket.on('error', fail);
let received = 0;
socket.on('data', (chunk) => {
  received += chunk.length;
  if (received >= 16) {
    process.exit(0);
  }
});
